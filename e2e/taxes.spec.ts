import { expect, test } from "@playwright/test";
import { signInAs, signOut } from "./support/auth";
import { query } from "./support/db";

const focusPrice = async () =>
  (
    await query<{ price: string }>(
      "SELECT t.stripe_price_id AS price FROM subscription_tiers t JOIN communities c ON c.id = t.community_id WHERE c.slug = 'study-hall' AND t.name = 'Focus'",
    )
  )[0]!.price;

test("the owner turns Stripe Tax on: prices are re-made with tax, the member pays price plus tax, and the owner sees the tax", async ({ page }) => {
  const before = await focusPrice();
  await signInAs(page, "Alice Owner", "/dashboard/study-hall/settings");
  await page.getByLabel("Stripe Tax").selectOption("exclusive");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();
  // A job gives the tier a new Stripe price that says tax is added.
  await expect.poll(focusPrice, { timeout: 15_000 }).not.toBe(before);
  await signOut(page);

  // Erin moved her Focus membership to her second account (checkout.spec.ts): this account holds none here now.
  await signInAs(page, "Erin Newcomer", "/c/study-hall");
  const focus = page
    .getByRole("region", { name: "Membership tiers" })
    .getByRole("listitem")
    .filter({ has: page.getByRole("heading", { name: "Focus", exact: true }) });
  await expect(focus.getByText("plus tax where it applies")).toBeVisible();
  await focus.getByRole("button", { name: "Subscribe to Focus", exact: true }).click();
  await expect(page.getByText("4.40 USD / month")).toBeVisible();
  await expect(page.getByText("Tax (demo 10% added): 0.40 USD")).toBeVisible();
  await page.getByRole("button", { name: "Pay", exact: true }).click();
  await expect(page.getByText("You're in! Your Focus membership of Study Hall is active.")).toBeVisible({ timeout: 15_000 });
  const [payment] = await query<{ amount: string; tax: string }>(
    "SELECT p.amount::text, p.tax_amount::text AS tax FROM payments p JOIN community_members m ON m.id = p.member_id JOIN users u ON u.id = m.user_id JOIN communities c ON c.id = p.community_id WHERE c.slug = 'study-hall' AND u.discord_id = '100000000000000004' AND p.tax_amount > 0",
  );
  expect(payment).toEqual({ amount: "4.40", tax: "0.40" });
  await signOut(page);

  await signInAs(page, "Alice Owner", "/dashboard/study-hall/payments");
  await expect(page.getByText("incl. $0.40 tax").first()).toBeVisible();
});
