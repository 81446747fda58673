import { expect, test } from "@playwright/test";
import { signInAs, signOut } from "./support/auth";
import { query } from "./support/db";

// Runs after the specs that count Pixel Guild's tiers (a new tier is added here).
test("a tier's trial starts without a card, and ends with the access when no card was added", async ({ page }) => {
  await signInAs(page, "Alice Owner", "/dashboard/pixel-guild/tiers");
  const form = page.getByRole("region", { name: "New tier" });
  await form.getByLabel("Tier name").fill("Pixel Trial");
  await form.getByLabel("Price").fill("3.00");
  // The option alone is refused: it needs a trial.
  await form.getByLabel("Members start the trial without a card").check();
  await form.getByRole("button", { name: "Create tier" }).click();
  await expect(form.getByRole("alert").filter({ hasText: "Trial without a card needs a free trial of at least a day" })).toBeVisible();
  await form.getByLabel("Free trial (days)").fill("7");
  await expect(form.getByLabel("Members start the trial without a card")).toBeChecked();
  await form.getByRole("button", { name: "Create tier" }).click();
  await expect(page.getByText("Tier saved.")).toBeVisible();
  await expect(page.getByRole("list", { name: "Tiers" })).toContainText("7-day trial, no card");
  await signOut(page);

  await signInAs(page, "Carol Owner", "/c/pixel-guild");
  const tier = page
    .getByRole("region", { name: "Membership tiers" })
    .getByRole("listitem")
    .filter({ has: page.getByRole("heading", { name: "Pixel Trial" }) });
  await expect(tier.getByText("7-day free trial, no card needed")).toBeVisible();
  await tier.getByRole("button", { name: "Subscribe to Pixel Trial" }).click();
  await expect(page.getByText("No card needed for the 7-day trial.")).toBeVisible();
  await page.getByRole("button", { name: "Start free trial" }).click();
  await expect(page.getByText("You're in! Your Pixel Trial membership of Pixel Guild is active.")).toBeVisible({ timeout: 15_000 });

  const carol = async () =>
    (
      await query<{ status: string; sub: string }>(
        "SELECT m.subscription_status AS status, s.stripe_subscription_id AS sub FROM community_members m JOIN users u ON u.id = m.user_id JOIN communities c ON c.id = m.community_id JOIN subscriptions s ON s.member_id = m.id WHERE c.slug = 'pixel-guild' AND u.discord_id = '100000000000000003'",
      )
    )[0]!;
  expect((await carol()).status).toBe("trialing");

  // The trial's end comes (the fake Stripe's test clock): no card, so Stripe cancels, and so do we.
  await page.goto(`${process.env.STRIPE_FAKE_URL}/test-clock`);
  await page
    .getByRole("row")
    .filter({ hasText: (await carol()).sub })
    .getByRole("button", { name: "Renew now" })
    .click();
  await expect.poll(async () => (await carol()).status, { timeout: 15_000 }).toBe("canceled");
  expect(
    await query(
      "SELECT 1 FROM payments p JOIN community_members m ON m.id = p.member_id JOIN users u ON u.id = m.user_id WHERE u.discord_id = '100000000000000003' AND p.community_id = (SELECT id FROM communities WHERE slug = 'pixel-guild')",
    ),
  ).toEqual([]);
});
