import { stripe } from "@/lib/billing/stripe";
import { stripeWebhookEndpoint } from "@/lib/billing/webhooks/http-endpoint";
import { receivePlatformWebhook } from "@/lib/billing/webhooks/platform-receive";
import { serverEnv } from "@/lib/env";

export const dynamic = "force-dynamic";

/** The platform account's own events (owners' CommunityOS plans): a second endpoint in Stripe, with its own secret. */
export const POST = stripeWebhookEndpoint(
  () => serverEnv().STRIPE_PLATFORM_WEBHOOK_SECRET ?? serverEnv().STRIPE_WEBHOOK_SECRET,
  (body, signature, secret) => receivePlatformWebhook(body, signature, { secret, stripe }),
);
