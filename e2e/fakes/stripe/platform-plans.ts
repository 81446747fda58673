// The operator's plans for owners in the keyless demo and the tests: PLATFORM_PLANS,
// and Pro's product and price on the fake Stripe's platform account (with the plan
// subscriptions of communities seeded on Pro).
import { productWithMonthlyPrice, unix } from "./stored-objects";

/** The operator's plans in the demo and the tests (PLATFORM_PLANS): Free at 5%, Pro at $29 a month and 1%, with Analytics. */
export const DEMO_PLATFORM_PLANS = JSON.stringify({
  free: { name: "Free", feePercent: 5 },
  pro: { name: "Pro", priceId: "price_communityos_pro", feePercent: 1, unlocks: ["analytics", "servers"] },
});

/** The plan a seeded Pro community holds on the platform's account. */
export const demoPlanIds = (slug: string) => ({ customer: `cus_plan_${slug.replace(/-/g, "_")}`, subscription: `sub_plan_${slug.replace(/-/g, "_")}` });

/**
 * Pro's product and price on the fake Stripe's platform account, and the plan
 * subscriptions of communities seeded on Pro, so Checkout and the portal work
 * against them as against the operator's real account.
 */
export async function mirrorPlatformPlans(fakeUrl: string, proCommunities: { id: string; slug: string; name: string }[] = []): Promise<void> {
  const created = unix(new Date(Date.UTC(2026, 0, 1)));
  const { product, price } = productWithMonthlyPrice({ product: "prod_communityos_pro", price: "price_communityos_pro" }, "CommunityOS Pro", 2900, created);
  const objects: Record<string, unknown>[] = [product, price];
  const start = unix(new Date()) - 5 * 86_400;
  for (const community of proCommunities) {
    const ids = demoPlanIds(community.slug);
    objects.push({ id: ids.customer, object: "customer", name: community.name, email: null, metadata: { community_id: community.id }, created: start });
    objects.push({
      id: ids.subscription,
      object: "subscription",
      status: "active",
      customer: ids.customer,
      currency: "usd",
      metadata: { communityos_plan: "pro", community_id: community.id },
      cancel_at_period_end: false,
      items: {
        data: [{ id: `si_plan_${community.id.slice(0, 8)}`, price, quantity: 1, current_period_start: start, current_period_end: start + 30 * 86_400 }],
      },
      created: start,
    });
  }
  const response = await fetch(`${fakeUrl}/_control/import`, { method: "POST", body: JSON.stringify({ account: "platform", objects }) });
  if (!response.ok) throw new Error(`the fake Stripe refused the platform's plan objects: ${response.status} ${await response.text()}`);
}
