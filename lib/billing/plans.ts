// The platform's own plans (communities.subscription_tier) and the application
// fee CommunityOS takes on each member payment. One table, one place.
export const PLATFORM_PLANS = {
  free: { name: "Free", applicationFeePercent: 5 },
  growth: { name: "Growth", applicationFeePercent: 2.5 },
  scale: { name: "Scale", applicationFeePercent: 1 },
} as const;

export type PlatformPlan = keyof typeof PLATFORM_PLANS;

export function isPlatformPlan(value: string): value is PlatformPlan {
  return Object.hasOwn(PLATFORM_PLANS, value);
}

/** The fee percentage for a community's plan; an unknown plan is charged as Free. */
export function applicationFeePercent(plan: string): number {
  return isPlatformPlan(plan) ? PLATFORM_PLANS[plan].applicationFeePercent : PLATFORM_PLANS.free.applicationFeePercent;
}

/** The fee on one payment, in minor units, rounded half up as Stripe does. */
export function applicationFeeAmount(amountMinor: number, plan: string): number {
  return Math.round((amountMinor * applicationFeePercent(plan)) / 100);
}
