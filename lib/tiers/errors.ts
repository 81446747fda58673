// A tier change refused, by code. The row buttons answer with a redirect whose
// URL carries the code (never the message: a crafted link must not put words on
// the page); the page looks the message up here.
import { ActionError, NOT_FOUND } from "../core/errors";

export const TIER_ERRORS = {
  gone: "That tier no longer exists.",
  connect_first: "Connect Stripe first: tiers are mirrored to your Stripe account.",
  stripe_down: "Stripe didn't answer. Please try again.",
  stripe_refused: "Stripe refused the tier: its reason is on the tier below. Change the tier and save it.",
  not_found: NOT_FOUND,
} as const;
export type TierErrorCode = keyof typeof TIER_ERRORS;

export const tierError = (code: TierErrorCode) => new ActionError(TIER_ERRORS[code], undefined, code);

/** The code of a refused result, for the URL; any other refusal is "failed". */
export function tierErrorCode(result: { code?: string }): TierErrorCode | "failed" {
  return result.code && result.code in TIER_ERRORS ? (result.code as TierErrorCode) : "failed";
}

export function tierErrorMessage(code: string | undefined): string | null {
  if (!code) return null;
  return TIER_ERRORS[code as TierErrorCode] ?? "That change couldn't be saved. Please try again.";
}
