// Pausing instead of cancelling: where the community offers it, a member about to
// cancel may stop paying for a few months. Stripe pauses the subscription's
// collection (its invoices are voided) and resumes it by itself; our rows follow
// the webhooks, which make the member paused (no paid roles) and then active again.
import type Stripe from "stripe";
import { addMonths } from "date-fns";
import { refusal } from "../core/errors";
import { recordAudit } from "../audit/record";
import { readSettings } from "../communities/validation";
import { db } from "../db/client";
import { rowKey, withCommunity } from "../db/scopes";
import { onStripe, ownSubscription } from "./portal";
import { stripe } from "./stripe";

export const PAUSE_ERRORS = {
  notOffered: "This community doesn't offer pausing.",
  tooLong: "That's longer than this community lets members pause.",
  monthlyOnly: "Only a monthly membership can be paused.",
  notActive: "Only a membership that is paid up can be paused.",
  ending: "Your membership is set to end. Resume it first if you'd rather pause.",
  notPaused: "This membership isn't paused.",
} as const;

export type PauseOffer = { maxMonths: number };

/** How long the community lets a member pause, if it does. */
export function pauseOfferOf(settings: unknown): PauseOffer | null {
  const { pauseMonths } = readSettings(settings);
  return pauseMonths > 0 ? { maxMonths: pauseMonths } : null;
}

/** Whether a subscription may be paused now: monthly, paid up, not ending, not paused already. */
export function pausable(sub: { status: string; cancelAtPeriodEnd: boolean; interval: string | null | undefined }): keyof typeof PAUSE_ERRORS | null {
  // A yearly member would lose paid months: no invoice falls inside a short pause to void.
  if (sub.interval !== "monthly") return "monthlyOnly";
  if (sub.status !== "active") return "notActive";
  if (sub.cancelAtPeriodEnd) return "ending";
  return null;
}

/**
 * Pauses collection for `months` from now. The member's paid roles go now and
 * come back when Stripe resumes; the billing date is kept, so the first period
 * after the pause is free up to it (about what was left of the paid period).
 */
export async function pauseMembership(userId: string, subscriptionId: string, months: number, client: Stripe = stripe(), now = new Date()) {
  const sub = await ownSubscription(userId, subscriptionId);
  const community = await db.community.findUniqueOrThrow({ where: { id: sub.communityId }, select: { settings: true } });
  const offer = pauseOfferOf(community.settings);
  if (!offer) throw refusal(PAUSE_ERRORS, "notOffered");
  if (months > offer.maxMonths) throw refusal(PAUSE_ERRORS, "tooLong");
  // The tier is the community's data: read in its scope.
  const tier = await withCommunity(sub.communityId, (tx) =>
    tx.subscription.findUnique({ where: rowKey(sub.id), select: { tier: { select: { interval: true } } } }),
  );
  const refused = pausable({ ...sub, interval: tier?.tier?.interval });
  if (refused) throw refusal(PAUSE_ERRORS, refused);
  const resumesAt = addMonths(now, months);
  await onStripe(() =>
    client.subscriptions.update(
      sub.stripeSubscriptionId,
      { pause_collection: { behavior: "void", resumes_at: Math.floor(resumesAt.getTime() / 1000) } },
      { stripeAccount: sub.stripeAccount },
    ),
  );
  await audit(sub, userId, "membership.paused", { months, resumesAt: resumesAt.toISOString() });
  return { resumesAt: resumesAt.toISOString() };
}

/** Resumes a paused membership now: billing picks up at the next billing date, and the roles come back with the webhook. */
export async function resumeMembership(userId: string, subscriptionId: string, client: Stripe = stripe()) {
  const sub = await ownSubscription(userId, subscriptionId);
  if (!sub.collectionPaused) throw refusal(PAUSE_ERRORS, "notPaused");
  // Stripe unsets a field sent empty.
  await onStripe(() => client.subscriptions.update(sub.stripeSubscriptionId, { pause_collection: "" }, { stripeAccount: sub.stripeAccount }));
  await audit(sub, userId, "membership.resumed", {});
  return { resumed: true };
}

function audit(sub: { id: string; communityId: string }, userId: string, action: string, details: Record<string, string | number>) {
  return withCommunity(sub.communityId, (tx) => recordAudit(tx, sub.communityId, userId, { action, objectType: "subscription", objectId: sub.id, details }));
}
