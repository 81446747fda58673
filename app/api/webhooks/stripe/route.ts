import { receiveStripeWebhook } from "@/lib/billing/webhooks/receive";
import { stripe } from "@/lib/billing/stripe";
import { serverEnv } from "@/lib/env";
import { route } from "@/lib/http/route";
import { clientAddress, consume, tooManyRequests } from "@/lib/security/rate-limit";

export const dynamic = "force-dynamic";

// Stripe's events are far smaller; anything larger is not from Stripe.
const MAX_BODY_BYTES = 1_000_000;

/**
 * Stripe's only way in. Authenticated by the signature over the raw body (no
 * session, no Origin check: Stripe is not a browser). Only failures touch the
 * rate limiter: Stripe's own bursts cost no extra query, and an address that keeps
 * sending bad signatures is answered 429 from memory once it is over the limit.
 */
export const POST = route(async (request) => {
  const secret = serverEnv().STRIPE_WEBHOOK_SECRET;
  // The environment check refuses to start without it when payments are on.
  if (!secret) return Response.json({ received: false, error: "Payments are not configured on this server." }, { status: 503 });
  if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) {
    return Response.json({ received: false, error: "Payload too large." }, { status: 413 });
  }
  const body = await request.text();
  if (body.length > MAX_BODY_BYTES) return Response.json({ received: false, error: "Payload too large." }, { status: 413 });
  const result = await receiveStripeWebhook(body, request.headers.get("stripe-signature"), { secret, stripe });
  if (result.status === 400) {
    const limited = await consume("badSignature", clientAddress(request.headers));
    if (!limited.ok) return tooManyRequests(limited, "Too many invalid requests from this address.");
  }
  return Response.json(result.body, { status: result.status });
});
