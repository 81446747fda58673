// POST /api/webhooks/stripe/platform, minus HTTP: the platform account's own
// events (a separate endpoint in Stripe, with its own secret), which carry the
// owners' CommunityOS plans. Connected accounts' events go to the Connect endpoint.
import type Stripe from "stripe";
import { z } from "zod";
import { log } from "../../observability/log";
import { applyPlanSubscription, planSubscriptionOf } from "../owner-plan";
import { answer, readSignedEvent, type WebhookAnswer } from "./receive";

export async function receivePlatformWebhook(
  rawBody: string,
  signature: string | null,
  deps: { secret: string; stripe: () => Stripe; now?: () => Date },
): Promise<WebhookAnswer> {
  const signed = readSignedEvent(rawBody, signature, deps.secret);
  if ("status" in signed) return signed;
  const { event } = signed;
  if (event.account) return answer(200, { received: true, outcome: "ignored", error: "A connected account's event: the Connect endpoint takes those." });
  try {
    const subscription = await planSubscriptionOf(event.type, event.data.object, deps.stripe());
    if (!subscription) return answer(200, { received: true, outcome: "ignored" });
    const outcome = await applyPlanSubscription(event, subscription, (deps.now ?? (() => new Date()))());
    return answer(200, { received: true, outcome });
  } catch (error) {
    if (error instanceof z.ZodError) {
      log.warn({ eventId: event.id, eventType: event.type, err: error }, "platform webhook rejected");
      return answer(200, { received: true, outcome: "rejected", error: "unexpected object shape" });
    }
    log.error({ err: error, eventId: event.id, eventType: event.type }, "platform webhook failed; Stripe will retry");
    return answer(500, { received: false, error: "The event could not be processed now; Stripe will retry." });
  }
}
