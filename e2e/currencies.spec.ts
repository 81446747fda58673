import { expect, test } from "@playwright/test";
import { signInAs, signOut } from "./support/auth";
import { query } from "./support/db";

test("a tier sold in two currencies: the page shows the visitor's (by language, or picked), and the member pays in it", async ({ page, browser }) => {
  await signInAs(page, "Carol Owner", "/dashboard/trading-desk/tiers");
  const form = page.getByRole("region", { name: "New tier" });
  await form.getByLabel("Tier name").fill("Desk Euro");
  await form.getByLabel("Price").fill("10.00");
  await form.getByLabel("Other currencies (optional)").fill("EURO 9");
  await form.getByRole("button", { name: "Create tier" }).click();
  await expect(form.getByText("“EURO 9” should look like EUR 9.00")).toBeVisible();
  await form.getByLabel("Other currencies (optional)").fill("EUR 9.00");
  await form.getByRole("button", { name: "Create tier" }).click();
  await expect(page.getByText("Tier saved.")).toBeVisible();
  await signOut(page);

  // A German browser sees euros without asking.
  const german = await browser.newContext({ locale: "de-DE" });
  const visitor = await german.newPage();
  await visitor.goto("/c/trading-desk");
  const deskEuro = (p: typeof page) =>
    p
      .getByRole("region", { name: "Membership tiers" })
      .getByRole("listitem")
      .filter({ has: p.getByRole("heading", { name: "Desk Euro" }) });
  await expect(deskEuro(visitor)).toContainText("€9.00/month");
  await german.close();

  await signInAs(page, "Erin (second account)", "/c/trading-desk");
  await expect(deskEuro(page)).toContainText("$10.00/month");
  await page.getByRole("navigation", { name: "Currency" }).getByRole("link", { name: "EUR" }).click();
  await expect(deskEuro(page)).toContainText("€9.00/month");
  await deskEuro(page).getByRole("button", { name: "Subscribe to Desk Euro" }).click();
  await expect(page.getByText("9.00 EUR / month")).toBeVisible();
  await page.getByRole("button", { name: "Pay", exact: true }).click();
  await expect(page.getByText("You're in! Your Desk Euro membership of Trading Desk is active.")).toBeVisible({ timeout: 15_000 });
  const [payment] = await query<{ amount: string; currency: string }>(
    "SELECT p.amount::text, p.currency FROM payments p JOIN community_members m ON m.id = p.member_id JOIN users u ON u.id = m.user_id JOIN communities c ON c.id = p.community_id WHERE c.slug = 'trading-desk' AND u.discord_id = '100000000000000005'",
  );
  expect(payment).toEqual({ amount: "9.00", currency: "EUR" });
});
