import { stripe } from "@/lib/billing/stripe";
import { stripeWebhookEndpoint } from "@/lib/billing/webhooks/http-endpoint";
import { receiveStripeWebhook } from "@/lib/billing/webhooks/receive";
import { serverEnv } from "@/lib/env";

export const dynamic = "force-dynamic";

/** Stripe's way in for connected accounts' events (the Connect endpoint). */
export const POST = stripeWebhookEndpoint(
  () => serverEnv().STRIPE_WEBHOOK_SECRET,
  (body, signature, secret) => receiveStripeWebhook(body, signature, { secret, stripe }),
);
