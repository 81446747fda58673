import { expect, test } from "@playwright/test";
import { signInAs, signOut } from "./support/auth";
import { query } from "./support/db";
import { expectAccessible } from "./support/axe";

const CAROL = "100000000000000003";

test("a member buys a month of a tier as a gift and passes the link on; the friend claims it and gets the tier; the owner sees it claimed", async ({
  page,
}) => {
  // Four sign-ins, a Checkout and its webhook: about 45 s here, near the default minute.
  test.slow();
  // The owner turns gifts off: the community page no longer offers them. Then on again.
  await signInAs(page, "Alice Owner", "/dashboard/pixel-guild/promotions");
  const gifts = page.getByRole("region", { name: "Gifts" });
  await gifts.getByRole("checkbox", { name: /Sell gift memberships/ }).uncheck();
  await gifts.getByRole("button", { name: "Save" }).click();
  await expect(gifts.getByText("Gifts are off. Gifts already bought can still be claimed.")).toBeVisible();
  await page.goto("/c/pixel-guild");
  await expect(page.getByText(/as a gift/)).toHaveCount(0);
  await page.goto("/dashboard/pixel-guild/promotions");
  await gifts.getByRole("checkbox", { name: /Sell gift memberships/ }).check();
  await gifts.getByRole("button", { name: "Save" }).click();
  await expect(gifts.getByText(/Gifts are on/)).toBeVisible();
  await expectAccessible(page, "promotions, with gifts");
  await signOut(page);

  // Bob (a Pro member) gives a month of Supporter with a note.
  await signInAs(page, "Bob Member", "/c/pixel-guild");
  const supporter = page
    .getByRole("region", { name: "Membership tiers" })
    .getByRole("listitem")
    .filter({ has: page.getByRole("heading", { name: "Supporter" }) });
  await supporter.getByText("Give Supporter as a gift").click();
  const form = supporter.getByRole("form", { name: "Give Supporter as a gift" });
  await expect(form.getByLabel("How long")).toContainText("1 year · $60.00");
  await form.getByLabel("How long").selectOption({ label: "1 month · $5.00" });
  await form.getByLabel("Message (optional)").fill("Welcome aboard, Carol!");
  await expectAccessible(page, "the community page, with a gift form open");
  await form.getByRole("button", { name: "Buy as a gift" }).click();
  await expect(page.getByText("5.00 USD, one payment · Gift: Supporter, 1 month")).toBeVisible();
  await page.getByRole("button", { name: "Pay" }).click();

  // Back in the portal: the link shows once Stripe's webhook has recorded the gift.
  await expect(page.getByText("Thank you! Your gift is ready: copy its link below and pass it on.")).toBeVisible({ timeout: 15_000 });
  const bought = page.getByRole("region", { name: "Gifts you bought in Pixel Guild" });
  await expect(bought).toContainText("1 month of Supporter · $5.00 · waiting to be claimed");
  const link = await bought.getByLabel("Gift link: 1 month of Supporter").inputValue();
  expect(link).toMatch(/\/c\/pixel-guild\/gift\/[0-9a-f]{32}$/);
  await expectAccessible(page, "the portal, with a gift bought");

  // Bob pays for Pro himself: claiming the gift would waste it, and he is told so.
  await page.goto(new URL(link).pathname);
  await page.getByRole("button", { name: "Claim Supporter" }).click();
  await expect(page.getByText(/You already pay for a membership here/)).toBeVisible();
  await signOut(page);

  // Carol opens the link signed out, signs in through it, and claims.
  await page.goto(new URL(link).pathname);
  await expect(page.getByRole("heading", { name: "1 month of Supporter, a gift from Bob Member" })).toBeVisible();
  await expect(page.getByRole("blockquote", { name: "Their message" })).toHaveText("Welcome aboard, Carol!");
  await expectAccessible(page, "a gift's page, signed out");
  await page.getByRole("link", { name: "Sign in with Discord to claim" }).click();
  await page.getByRole("button", { name: "Sign in with Discord" }).click();
  await page.getByRole("button", { name: /Carol Owner/ }).click();
  await page.getByRole("button", { name: "Claim Supporter" }).click();
  await expect(page.getByText("You're in! Your Supporter membership of Pixel Guild is active.")).toBeVisible({ timeout: 15_000 });
  const [carol] = await query<{ status: string; tier: string; months: number }>(
    `SELECT m.subscription_status AS status, m.subscription_tier AS tier,
            round(extract(epoch FROM m.subscription_expires_at - now()) / 86400)::int AS months
       FROM community_members m JOIN communities c ON c.id = m.community_id
      WHERE c.slug = 'pixel-guild' AND m.discord_user_id = $1`,
    [CAROL],
  );
  expect(carol!.status).toBe("pass");
  expect(carol!.tier).toBe("Supporter");
  expect(carol!.months).toBeGreaterThanOrEqual(28);
  expect(carol!.months).toBeLessThanOrEqual(31);

  // The link again: hers, until when.
  await page.goto(new URL(link).pathname);
  await expect(page.getByText(/You claimed this gift on .*\. Supporter is yours until/)).toBeVisible();
  await signOut(page);

  // The owner sees it claimed; Bob's portal too.
  await signInAs(page, "Alice Owner", "/dashboard/pixel-guild/promotions");
  const claimed = page.getByRole("list", { name: "Gifts bought" }).getByTestId("gift").filter({ hasText: "1 month of Supporter · $5.00 from Bob Member" });
  await expect(claimed).toContainText("claimed by Carol Owner");
  // Carol's details: paid access, not the owner's to revoke as free access.
  await page.goto("/dashboard/pixel-guild/members");
  await page.getByRole("searchbox", { name: "Search members" }).fill("carol");
  await page.getByRole("table", { name: "Members" }).getByRole("button", { name: "Carol Owner" }).click();
  const drawer = page.getByRole("dialog", { name: "Carol Owner" });
  await expect(drawer.getByRole("region", { name: "Paid access" })).toContainText(/Supporter · until .* · a gift they claimed/);
  await expect(drawer.getByRole("region", { name: "Free access" }).getByRole("button", { name: "Revoke" })).toHaveCount(0);
  await page.keyboard.press("Escape");
  await expect(drawer).toBeHidden();
  await signOut(page);
  await signInAs(page, "Bob Member", "/portal");
  await expect(page.getByRole("region", { name: "Gifts you bought in Pixel Guild" })).toContainText("1 month of Supporter · $5.00 · claimed by Carol Owner");
});
