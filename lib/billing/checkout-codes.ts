/** Codes the community page answers a refused checkout with, to offer the way forward (manage, or switch). */
export const CHECKOUT_CODES = { alreadyThisTier: "already_this_tier", alreadyOtherTier: "already_other_tier" } as const;
