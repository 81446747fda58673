import { expect, type Page } from "@playwright/test";
import { signInAs } from "./auth";

/** As Alice: connects the community's Stripe account (fake onboarding) and mirrors one seeded tier to Stripe. */
export async function enablePayments(page: Page, slug: string, tier: string) {
  await signInAs(page, "Alice Owner", `/dashboard/${slug}/payouts`);
  await page.getByRole("button", { name: "Connect Stripe" }).click();
  await page.getByRole("button", { name: "Complete onboarding" }).click();
  await expect(page.getByTestId("connect-state")).toHaveText("Charges enabled");
  await page.goto(`/dashboard/${slug}/tiers`);
  const item = page.getByRole("list", { name: "Tiers" }).getByRole("listitem").filter({ hasText: tier });
  await item.getByRole("button", { name: "Sync to Stripe" }).click();
  await expect(item.getByText("not on Stripe")).toHaveCount(0);
}
