import { expect, test } from "@playwright/test";
import { signInAs } from "./support/auth";
import { query } from "./support/db";

test("the Analytics tab shows MRR movements as a waterfall, month by month, cohorts and the funnel, and agrees with the payments", async ({ page }) => {
  await signInAs(page, "Alice Owner", "/dashboard/pixel-guild");
  await page.getByRole("navigation", { name: "Community" }).getByRole("link", { name: "Analytics" }).click();
  const waterfall = page.getByRole("figure", { name: /MRR movements/ });
  await expect(waterfall.locator(".recharts-bar-rectangle").first()).toBeVisible();
  const months = page.getByRole("table", { name: "MRR movements by month" }).getByRole("row");
  await expect(months).toHaveCount(13); // the header and twelve complete months
  await expect(page.getByRole("table", { name: "Cohort retention" }).getByRole("row").nth(1)).toContainText("100%");
  await expect(page.getByRole("list", { name: "Funnel" })).toContainText("Visited the community page");

  // The last complete month's MRR: its subscription payments less tax and refunds, a yearly one spread over twelve months.
  const [expected] = await query<{ mrr: string }>(`
    WITH c AS (SELECT id FROM communities WHERE slug = 'pixel-guild'),
         last AS (SELECT date_trunc('month', now() AT TIME ZONE 'UTC') - interval '1 month' AS m)
    SELECT coalesce(sum((p.amount - p.tax_amount - p.amount_refunded) / CASE WHEN t.interval = 'yearly' THEN 12 ELSE 1 END), 0)::numeric(12,2)::text AS mrr
      FROM payments p JOIN subscriptions s ON s.id = p.subscription_id AND s.duplicate_of IS NULL
      LEFT JOIN subscription_tiers t ON t.id = s.tier_id, last
     WHERE p.community_id = (SELECT id FROM c) AND p.currency = 'USD'
       AND p.status IN ('succeeded', 'partially_refunded', 'refunded', 'disputed') AND p.amount - p.tax_amount - p.amount_refunded > 0
       AND (
         (coalesce(t.interval, 'monthly') <> 'yearly' AND date_trunc('month', p.processed_at AT TIME ZONE 'UTC') = last.m)
         OR (t.interval = 'yearly' AND date_trunc('month', p.processed_at AT TIME ZONE 'UTC') BETWEEN last.m - interval '11 months' AND last.m)
       )`);
  const shown = Number((await page.getByTestId("insight-mrr").textContent())!.replace(/[^0-9.]/g, ""));
  expect(shown).toBeCloseTo(Number(expected!.mrr), 2);
});
