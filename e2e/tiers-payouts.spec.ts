import { expect, test } from "@playwright/test";
import { signInAs } from "./support/auth";
import { query } from "./support/db";

test("an owner connects Stripe, creates and edits tiers mirrored to Stripe, and members see them", async ({ page }) => {
  await signInAs(page, "Carol Owner", "/dashboard/trading-desk/payouts");
  await expect(page.getByTestId("connect-state")).toHaveText("Not connected");
  await page.getByRole("button", { name: "Connect Stripe" }).click();
  await expect(page.getByRole("heading", { name: "Demo Stripe: set up payouts" })).toBeVisible();
  await page.getByRole("button", { name: "Complete onboarding" }).click();
  await expect(page).toHaveURL(/\/dashboard\/trading-desk\/payouts\?stripe=return$/);
  await expect(page.getByTestId("connect-state")).toHaveText("Charges enabled");

  await page.getByRole("link", { name: "Tiers" }).click();
  const form = page.getByRole("region", { name: "New tier" });
  await form.getByLabel("Tier name").fill("Pro Desk");
  await form.getByLabel("Price").fill("0");
  await form.getByLabel("Currency").fill("usd");
  await form.getByLabel("Features").fill("Daily notes\nLive sessions");
  await form.getByRole("button", { name: "Create tier" }).click();
  await expect(page.getByText("Price must be more than 0")).toBeVisible();
  await expect(form.getByLabel("Tier name")).toHaveValue("Pro Desk"); // kept after the failed save

  await form.getByLabel("Price").fill("49.00");
  await form.getByLabel("Billing").selectOption("yearly");
  await form.getByLabel("Free trial (days)").fill("7");
  await form.getByRole("button", { name: "Create tier" }).click();
  await expect(page.getByText("Tier saved.")).toBeVisible();
  const tiers = page.getByRole("list", { name: "Tiers" });
  await expect(tiers.getByRole("heading", { name: "Pro Desk" })).toBeVisible();
  await expect(tiers.getByText("$49.00 / year")).toBeVisible();

  const [pro] = await query<{ stripe_product_id: string | null; stripe_price_id: string | null; trial_days: number }>(
    "SELECT t.stripe_product_id, t.stripe_price_id, t.trial_days FROM subscription_tiers t JOIN communities c ON c.id = t.community_id WHERE c.slug = 'trading-desk' AND t.name = 'Pro Desk'",
  );
  expect(pro).toMatchObject({ stripe_product_id: expect.stringMatching(/^prod_/), stripe_price_id: expect.stringMatching(/^price_/), trial_days: 7 });

  // The existing tiers are not on Stripe yet: one click mirrors them.
  await tiers.getByRole("listitem").filter({ hasText: "Analyst" }).getByRole("button", { name: "Sync to Stripe" }).click();
  await expect(tiers.getByRole("listitem").filter({ hasText: "Analyst" }).getByText("not on Stripe")).toHaveCount(0);

  // A new price is a new Stripe Price; a cap at the paying count sells the tier out.
  await tiers.getByRole("listitem").filter({ hasText: "Pro Desk" }).getByRole("link", { name: "Edit" }).click();
  await expect(page.getByRole("heading", { name: "Edit Pro Desk" })).toBeVisible();
  await page.getByLabel("Price").fill("59.00");
  await page.getByRole("button", { name: "Save tier" }).click();
  await expect(tiers.getByText("$59.00 / year")).toBeVisible();
  const [changed] = await query<{ stripe_price_id: string }>(
    "SELECT t.stripe_price_id FROM subscription_tiers t JOIN communities c ON c.id = t.community_id WHERE c.slug = 'trading-desk' AND t.name = 'Pro Desk'",
  );
  expect(changed!.stripe_price_id).not.toBe(pro!.stripe_price_id);

  await tiers.getByRole("listitem").filter({ hasText: "Analyst" }).getByRole("link", { name: "Edit" }).click();
  await expect(page.getByRole("heading", { name: "Edit Analyst" })).toBeVisible();
  await page.getByLabel("Member cap").fill("1");
  await page.getByRole("button", { name: "Save tier" }).click();
  await expect(tiers.getByRole("listitem").filter({ hasText: "Analyst" }).getByText("sold out")).toBeVisible();

  await tiers.getByRole("button", { name: "Move Pro Desk up" }).click();
  await tiers.getByRole("button", { name: "Move Pro Desk up" }).click();
  await expect(tiers.getByRole("heading", { level: 3 })).toHaveText(["Pro Desk", "Analyst", "Desk"]);

  await page.goto("/c/trading-desk");
  const publicTiers = page.getByRole("region", { name: "Membership tiers" });
  await expect(publicTiers.getByRole("heading", { level: 3 })).toHaveText(["Pro Desk", "Analyst", "Desk"]);
  await expect(publicTiers.getByRole("listitem").filter({ hasText: "Analyst" }).getByRole("button", { name: "Sold out" })).toBeDisabled();

  await page.goto("/dashboard/trading-desk/tiers");
  const desk = tiers.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Desk", exact: true }) });
  await desk.getByRole("button", { name: "Deactivate" }).click();
  await expect(desk.getByText("inactive")).toBeVisible();
  await page.goto("/c/trading-desk");
  await expect(publicTiers.getByRole("heading", { level: 3 })).toHaveText(["Pro Desk", "Analyst"]);
});

test("another owner cannot change a community's tiers by posting the action", async ({ page }) => {
  await signInAs(page, "Alice Owner", "/dashboard/pixel-guild/tiers");
  const before = await query("SELECT count(*)::int AS n FROM subscription_tiers");
  await page.locator('form:has(button:text("Create tier")) input[name="communitySlug"]').evaluate((input: HTMLInputElement) => (input.value = "trading-desk"));
  const form = page.getByRole("region", { name: "New tier" });
  await form.getByLabel("Tier name").fill("Injected");
  await form.getByLabel("Price").fill("1.00");
  await form.getByRole("button", { name: "Create tier" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "We couldn't find that community." })).toBeVisible();
  expect(await query("SELECT count(*)::int AS n FROM subscription_tiers")).toEqual(before);
});
