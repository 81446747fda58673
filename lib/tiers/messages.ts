export const TIER_GONE = "That tier no longer exists.";
export const CONNECT_FIRST = "Connect Stripe first: tiers are mirrored to your Stripe account.";
export const STRIPE_DOWN = "Stripe didn't answer. Please try again.";
