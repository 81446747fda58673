import { expect, test } from "@playwright/test";
import { signInAs } from "./support/auth";
import { query } from "./support/db";

test("an owner on Free sees what Pro unlocks, upgrades through Stripe Checkout on the platform's account, and gets Analytics; members are untouched", async ({
  page,
}) => {
  const members = () =>
    query<{ status: string; tier: string | null }>(
      "SELECT m.subscription_status AS status, m.subscription_tier AS tier FROM community_members m JOIN communities c ON c.id = m.community_id WHERE c.slug = 'study-hall' ORDER BY m.id",
    );
  const before = await members();

  await signInAs(page, "Alice Owner", "/dashboard/study-hall/analytics");
  const upsell = page.getByTestId("plan-upsell");
  await expect(upsell).toContainText("Analytics come with Pro");
  await upsell.getByRole("link", { name: "See plans" }).click();

  const plan = page.getByTestId("plan");
  await expect(plan.getByTestId("plan-name")).toHaveText("Free");
  await expect(plan).toContainText("CommunityOS keeps 5% of each member payment");
  await expect(plan).toContainText("Pro: 1% per member payment, and Analytics");
  await plan.getByRole("button", { name: "Upgrade to Pro" }).click();

  // The platform's Checkout, not the community's connected account.
  await expect(page).toHaveURL(/\/checkout\/platform\/cs_test_\w+$/);
  await expect(page.locator(".amount")).toContainText("29.00 USD / month");
  await page.getByRole("button", { name: "Pay", exact: true }).click();
  await expect(page).toHaveURL(/\/dashboard\/study-hall\/payouts\?plan=started$/);

  // The platform endpoint's webhooks switch the plan; the page says so once they have.
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("plan-name")).toHaveText("Pro", { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await expect(plan).toContainText("CommunityOS keeps 1% of each member payment");
  await expect(plan).toContainText(/Renews \w{3} \d{1,2}, \d{4}/);
  await expect(plan.getByRole("button", { name: "Upgrade to Pro" })).toHaveCount(0);

  await page.getByRole("navigation", { name: "Community" }).getByRole("link", { name: "Analytics" }).click();
  await expect(page.getByTestId("plan-upsell")).toHaveCount(0);
  await expect(page.getByRole("list", { name: "Funnel" })).toContainText("Visited the community page");

  const [community] = await query<{ tier: string; status: string; customer: string }>(
    "SELECT subscription_tier AS tier, plan_status AS status, plan_customer_id AS customer FROM communities WHERE slug = 'study-hall'",
  );
  expect(community).toMatchObject({ tier: "pro", status: "active" });
  expect(await members()).toEqual(before);

  // The plan's invoices and card live in the platform's customer portal.
  await page.goto("/dashboard/study-hall/payouts");
  await page.getByRole("button", { name: "Manage plan and invoices" }).click();
  await expect(page.getByRole("heading", { name: "Demo Stripe customer portal" })).toBeVisible();
  await page.getByRole("link", { name: "Return to CommunityOS" }).click();
  await expect(page).toHaveURL(/\/dashboard\/study-hall\/payouts$/);
});
