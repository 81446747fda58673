// Pausing instead of cancelling: where the community offers it, a member about to
// cancel may stop paying for a few months; an owner may pause a member's billing
// from the member drawer. Stripe pauses the subscription's collection (its
// invoices are voided) and resumes it by itself; our rows follow the webhooks,
// which make the member paused (no paid roles) and then active again.
import type Stripe from "stripe";
import { addMonths } from "date-fns";
import type { CommunityRef } from "../core/actors";
import { refusal } from "../core/errors";
import { recordAudit } from "../audit/record";
import { db } from "../db/client";
import { rowKey, withCommunity, type TenantTx } from "../db/scopes";
import { onStripe, ownSubscription } from "./portal";
import { stripe } from "./stripe";
import { OWNER_PAUSE_ERRORS, PAUSE_ERRORS, pausable, pauseOfferOf } from "./pause-rules";

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
  const resumesAt = await pauseAtStripe(sub, months, client, now);
  await audit(sub, userId, "membership.paused", { months, resumesAt: resumesAt.toISOString() });
  return { resumesAt: resumesAt.toISOString() };
}

/** Resumes a paused membership now: billing picks up at the next billing date, and the roles come back with the webhook. */
export async function resumeMembership(userId: string, subscriptionId: string, client: Stripe = stripe()) {
  const sub = await ownSubscription(userId, subscriptionId);
  if (!sub.collectionPaused) throw refusal(PAUSE_ERRORS, "notPaused");
  await resumeAtStripe(sub, client);
  await audit(sub, userId, "membership.resumed", {});
  return { resumed: true };
}

type InScope = <T>(fn: (tx: TenantTx) => Promise<T>) => Promise<T>;

/** A member's subscription as the owner's side sees it: read in the community's scope, so another community's is not found. */
async function communitySubscription(community: CommunityRef, subscriptionId: string, inScope: InScope) {
  const sub = await inScope((tx) =>
    tx.subscription.findUnique({
      where: rowKey(subscriptionId),
      select: {
        id: true,
        tierName: true,
        stripeSubscriptionId: true,
        status: true,
        cancelAtPeriodEnd: true,
        collectionPaused: true,
        tier: { select: { interval: true } },
      },
    }),
  );
  if (!sub?.stripeSubscriptionId || !community.stripeAccountId) throw refusal(OWNER_PAUSE_ERRORS, "notFound");
  return { ...sub, stripeSubscriptionId: sub.stripeSubscriptionId, stripeAccount: community.stripeAccountId, interval: sub.tier?.interval };
}

/**
 * The owner pauses a member's billing from the member drawer (a member asked
 * by message, a holiday, a problem on the owner's side), whether or not the
 * community offers members a pause: the same rules of what can be paused, up
 * to the longest pause members may be offered.
 */
export async function pauseForOwner(
  community: CommunityRef,
  subscriptionId: string,
  months: number,
  inScope: InScope,
  client: Stripe = stripe(),
  now = new Date(),
) {
  const sub = await communitySubscription(community, subscriptionId, inScope);
  const refused = pausable(sub);
  if (refused) throw refusal(OWNER_PAUSE_ERRORS, refused);
  const resumesAt = await pauseAtStripe(sub, months, client, now);
  return { tierName: sub.tierName, months, resumesAt: resumesAt.toISOString() };
}

export async function resumeForOwner(community: CommunityRef, subscriptionId: string, inScope: InScope, client: Stripe = stripe()) {
  const sub = await communitySubscription(community, subscriptionId, inScope);
  if (!sub.collectionPaused) throw refusal(OWNER_PAUSE_ERRORS, "notPaused");
  await resumeAtStripe(sub, client);
  return { tierName: sub.tierName };
}

type AtStripe = { stripeSubscriptionId: string; stripeAccount: string };

/** Stripe voids the invoices of the pause and resumes collection by itself at resumes_at; our rows follow its webhook. */
async function pauseAtStripe(sub: AtStripe, months: number, client: Stripe, now: Date): Promise<Date> {
  const resumesAt = addMonths(now, months);
  await onStripe(() =>
    client.subscriptions.update(
      sub.stripeSubscriptionId,
      { pause_collection: { behavior: "void", resumes_at: Math.floor(resumesAt.getTime() / 1000) } },
      { stripeAccount: sub.stripeAccount },
    ),
  );
  return resumesAt;
}

function resumeAtStripe(sub: AtStripe, client: Stripe) {
  // Stripe unsets a field sent empty.
  return onStripe(() => client.subscriptions.update(sub.stripeSubscriptionId, { pause_collection: "" }, { stripeAccount: sub.stripeAccount }));
}

function audit(sub: { id: string; communityId: string }, userId: string, action: string, details: Record<string, string | number>) {
  return withCommunity(sub.communityId, (tx) => recordAudit(tx, sub.communityId, userId, { action, objectType: "subscription", objectId: sub.id, details }));
}
