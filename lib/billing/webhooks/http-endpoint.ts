// A Stripe webhook endpoint over HTTP: the raw body (bounded), its signature, and
// the rate limit on bad signatures. Authenticated by the signature alone: no
// session, no Origin check (Stripe is not a browser). Only failures touch the
// limiter: Stripe's own bursts cost no extra query, and an address that keeps
// sending bad signatures is answered 429 from memory once it is over the limit.
import { route } from "../../http/route";
import { clientAddress, consume, tooManyRequests } from "../../security/rate-limit";
import type { WebhookAnswer } from "./receive";

// Stripe's events are far smaller; anything larger is not from Stripe.
const MAX_BODY_BYTES = 1_000_000;

export function stripeWebhookEndpoint(
  secretOf: () => string | undefined,
  receive: (rawBody: string, signature: string | null, secret: string) => Promise<WebhookAnswer>,
) {
  return route(async (request: Request) => {
    const secret = secretOf();
    // The environment check refuses to start without it when payments are on.
    if (!secret) return Response.json({ received: false, error: "Payments are not configured on this server." }, { status: 503 });
    if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) {
      return Response.json({ received: false, error: "Payload too large." }, { status: 413 });
    }
    const body = await request.text();
    if (body.length > MAX_BODY_BYTES) return Response.json({ received: false, error: "Payload too large." }, { status: 413 });
    const result = await receive(body, request.headers.get("stripe-signature"), secret);
    if (result.status === 400) {
      const limited = await consume("badSignature", clientAddress(request.headers));
      if (!limited.ok) return tooManyRequests(limited, "Too many invalid requests from this address.");
    }
    return Response.json(result.body, { status: result.status });
  });
}
