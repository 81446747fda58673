// The operator's plans for owners (communities.subscription_tier: "free" or "pro",
// PLATFORM_PLANS) and the application fee CommunityOS takes on each member payment.
// One table, one place. A self-hosted install, unconfigured: Free, 0%, everything.
import { serverEnv, type PLAN_FEATURES, type PlatformPlans } from "../env";
import { chargeableMinorUnits } from "./money";

export type PlanKey = "free" | "pro";
export type PlanFeature = (typeof PLAN_FEATURES)[number];

export function platformPlans(): PlatformPlans {
  return serverEnv().PLATFORM_PLANS;
}

/** The plan a community is on: Pro only while the operator offers it. */
export function planOf(subscriptionTier: string, plans: PlatformPlans = platformPlans()): PlanKey {
  return subscriptionTier === "pro" && plans.pro ? "pro" : "free";
}

export function planName(subscriptionTier: string, plans: PlatformPlans = platformPlans()): string {
  const key = planOf(subscriptionTier, plans);
  return key === "pro" ? plans.pro!.name : plans.free.name;
}

/** The fee percentage for a community's plan. */
export function applicationFeePercent(subscriptionTier: string, plans: PlatformPlans = platformPlans()): number {
  return planOf(subscriptionTier, plans) === "pro" ? plans.pro!.feePercent : plans.free.feePercent;
}

/**
 * The fee on one payment, in the payment's minor units, rounded half up as Stripe
 * does, to an amount Stripe takes in that currency (tens of a three-decimal one).
 */
export function applicationFeeAmount(amountMinor: number, currency: string, subscriptionTier: string, plans: PlatformPlans = platformPlans()): number {
  return chargeableMinorUnits(Math.round((amountMinor * applicationFeePercent(subscriptionTier, plans)) / 100), currency);
}

/** Whether a community's plan has a feature: everyone has it unless Pro is what unlocks it. */
export function planAllows(subscriptionTier: string, feature: PlanFeature, plans: PlatformPlans = platformPlans()): boolean {
  if (!plans.pro?.unlocks.includes(feature)) return true;
  return planOf(subscriptionTier, plans) === "pro";
}
