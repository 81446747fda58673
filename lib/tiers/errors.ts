import { NOT_FOUND } from "../core/errors";
import { CONNECT_FIRST, STRIPE_DOWN, TIER_GONE } from "./messages";

const BY_CODE = { gone: TIER_GONE, "connect-first": CONNECT_FIRST, "stripe-down": STRIPE_DOWN, "not-found": NOT_FOUND } as const;
type Code = keyof typeof BY_CODE | "failed";

export function tierErrorCode(message: string): Code {
  const hit = Object.entries(BY_CODE).find(([, text]) => text === message);
  return (hit?.[0] as Code | undefined) ?? "failed";
}

export function tierErrorMessage(code: string | undefined): string | null {
  if (!code) return null;
  return BY_CODE[code as keyof typeof BY_CODE] ?? "That change couldn't be saved. Please try again.";
}
