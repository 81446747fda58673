import Stripe from "stripe";
import { serverEnv, type ServerEnv } from "../env";

/** The key the local fake Stripe (e2e/fakes/stripe) accepts. Not a secret. */
export const DEMO_STRIPE_KEY = "sk_test_communityos_demo";
export const STRIPE_API_VERSION = "2026-10-28.endive" as const;

export type StripeSettings = { mode: "real"; secretKey: string } | { mode: "demo"; url: string } | { mode: "off" };

/** Real Stripe with a key; the local fake only without one and outside production. */
export function stripeSettings(env: ServerEnv): StripeSettings {
  if (env.STRIPE_SECRET_KEY) return { mode: "real", secretKey: env.STRIPE_SECRET_KEY };
  if (env.STRIPE_FAKE_URL && env.stage !== "production") return { mode: "demo", url: env.STRIPE_FAKE_URL };
  return { mode: "off" };
}

/** Stripe's "no such object" (a 404 / resource_missing): the object is gone or was never there. */
export function isMissingAtStripe(error: unknown): boolean {
  const e = error as { code?: string; statusCode?: number } | null;
  return e?.code === "resource_missing" || e?.statusCode === 404;
}

export class PaymentsUnavailableError extends Error {
  override name = "PaymentsUnavailableError";
}

export function createStripe(settings: StripeSettings): Stripe {
  if (settings.mode === "off") throw new PaymentsUnavailableError("Payments are not configured: set STRIPE_SECRET_KEY.");
  const common = { apiVersion: STRIPE_API_VERSION, maxNetworkRetries: 2, timeout: 20_000, appInfo: { name: "CommunityOS" } };
  if (settings.mode === "real") return new Stripe(settings.secretKey, common);
  const url = new URL(settings.url);
  return new Stripe(DEMO_STRIPE_KEY, { ...common, host: url.hostname, port: Number(url.port), protocol: "http" });
}

const globalForStripe = globalThis as unknown as { communityosStripe?: Stripe };

export function stripe(): Stripe {
  globalForStripe.communityosStripe ??= createStripe(stripeSettings(serverEnv()));
  return globalForStripe.communityosStripe;
}
