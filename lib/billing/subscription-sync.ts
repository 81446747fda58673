import type { TenantTx } from "../db/scopes";
import { idSchema } from "../db/ids";
import { raiseAlert } from "../alerts/raise";
import { recordBillingEvent } from "../analytics/record";
import { enqueueJob, JOB_KINDS, requestRoleSync } from "../jobs/enqueue";
import { givesAccess, isLive, LIVE_SUBSCRIPTION } from "./member-standing";
import { seatsTaken } from "./seats";
import { lapseDates } from "./lapse";
import { lockMember, refreshMember, type MemberRefresh } from "./member-refresh";
import { WebhookRejection } from "./errors";
import type { StripeSubscription } from "./stripe-objects";

import { rowKey } from "../db/scopes";
export type SyncContext = {
  communityId: string;
  now: Date;
  gracePeriodDays: number;
  restrictedDays?: number;
  /** False where the owner lets Stripe send receipts: no receipt job is queued for a payment. */
  sendsReceipts?: boolean;
};
export type SyncedSubscription = { subscriptionId: string; memberId: string; refresh: MemberRefresh };

/** How long before a pause ends the member is told. */
export const PAUSE_NOTICE_DAYS = 3;

const at = (seconds: number | null | undefined) => (seconds == null ? null : new Date(seconds * 1000));

/**
 * The status we keep: Stripe's, except that Stripe keeps a subscription whose
 * collection is paused "active" while it charges nothing. We keep it as paused,
 * so it gives no access and counts as no revenue until collection resumes.
 */
export function storedStatus(sub: Pick<StripeSubscription, "status" | "pause_collection">): string {
  return sub.pause_collection && sub.status === "active" ? "paused" : sub.status;
}

/** Our member for a Stripe subscription: from our checkout's metadata, else by the Stripe customer. */
async function memberFor(tx: TenantTx, ctx: SyncContext, sub: StripeSubscription): Promise<string> {
  const { community_id: communityId, member_id: memberId } = sub.metadata;
  if (communityId !== undefined && communityId !== ctx.communityId) {
    throw new WebhookRejection(`subscription ${sub.id} names community ${communityId}, but arrived for the account of ${ctx.communityId}`);
  }
  if (memberId !== undefined) {
    if (!idSchema.safeParse(memberId).success) throw new WebhookRejection(`subscription ${sub.id} has a malformed member_id`);
    // The scope hides other communities' members, so this also proves the member is ours.
    const member = await tx.communityMember.findUnique({ where: rowKey(memberId.toLowerCase()), select: { id: true } });
    if (member) return member.id;
  }
  const byCustomer = await tx.communityMember.findFirst({ where: { stripeCustomerId: sub.customer }, select: { id: true } });
  if (byCustomer) return byCustomer.id;
  throw new WebhookRejection(`no member of this community matches subscription ${sub.id} (customer ${sub.customer})`);
}

/** The tier by its current Stripe price, else by our checkout's metadata (a price archived since). */
async function tierFor(tx: TenantTx, sub: StripeSubscription) {
  const select = { id: true, name: true, maxMembers: true } as const;
  const byPrice = await tx.subscriptionTier.findFirst({ where: { stripePriceId: sub.price.id }, select });
  if (byPrice) return byPrice;
  const tierId = sub.metadata.tier_id;
  if (tierId && idSchema.safeParse(tierId).success) return tx.subscriptionTier.findUnique({ where: rowKey(tierId.toLowerCase()), select });
  return null;
}

/**
 * Makes our subscription row match Stripe's object (upserted by its Stripe id),
 * then the member's standing; records what changed and enqueues what must
 * follow. Stripe's object is the truth: it is re-fetched before this runs, so
 * the same state results whatever order the events came in.
 */
export async function syncSubscription(tx: TenantTx, ctx: SyncContext, sub: StripeSubscription): Promise<SyncedSubscription> {
  // Two events for one subscription at once would both see "no row yet".
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`subscription:${sub.id}`}))`;
  const existing = await tx.subscription.findUnique({
    where: { communityId_stripeSubscriptionId: { communityId: ctx.communityId, stripeSubscriptionId: sub.id } },
    select: {
      id: true,
      memberId: true,
      status: true,
      tierId: true,
      tierName: true,
      gracePeriodEndsAt: true,
      restrictedUntil: true,
      duplicateOf: true,
      resumesAt: true,
    },
  });
  const memberId = existing?.memberId ?? (await memberFor(tx, ctx, sub));
  // Serialised per member too: two subscriptions of one member racing in must see each other.
  await lockMember(tx, memberId);
  const tier = await tierFor(tx, sub);
  const duplicateOf = existing?.duplicateOf ?? (isLive(sub.status) ? await otherLiveSubscription(tx, memberId, sub.id) : null);

  // The lapse stages start when we first see the subscription past due (or unpaid), and are kept until it is paid.
  const { gracePeriodEndsAt, restrictedUntil } = lapseDates(sub.status, existing, {
    now: ctx.now,
    gracePeriodDays: ctx.gracePeriodDays,
    restrictedDays: ctx.restrictedDays ?? 0,
  });
  const fields = {
    status: storedStatus(sub),
    collectionPaused: Boolean(sub.pause_collection),
    resumesAt: at(sub.pause_collection?.resumes_at),
    tierId: tier?.id ?? null,
    tierName: tier?.name ?? existing?.tierName ?? sub.metadata.tier_name ?? "Unknown tier",
    stripeCustomerId: sub.customer,
    currency: sub.currency ?? sub.price.currency,
    currentPeriodStart: new Date(sub.periodStart * 1000),
    currentPeriodEnd: new Date(sub.periodEnd * 1000),
    cancelAtPeriodEnd: sub.cancel_at_period_end,
    cancellationFeedback: sub.cancellation_details?.feedback ?? null,
    cancellationComment: sub.cancellation_details?.comment?.slice(0, 500) ?? null,
    canceledAt: at(sub.canceled_at ?? sub.ended_at),
    trialStart: at(sub.trial_start),
    trialEnd: at(sub.trial_end),
    metadata: sub.metadata,
    gracePeriodEndsAt,
    restrictedUntil,
    duplicateOf,
  };
  const row = existing
    ? await tx.subscription.update({ where: rowKey(existing.id), data: fields, select: { id: true } })
    : await tx.subscription.create({ data: { ...fields, communityId: ctx.communityId, memberId, stripeSubscriptionId: sub.id }, select: { id: true } });

  const refresh = await refreshMember(tx, memberId, ctx.now);
  const { member } = refresh;
  const isPaying = givesAccess(fields.status);
  const base = { communityId: ctx.communityId, at: ctx.now, userId: member.userId, discordUserId: member.discordUserId };
  const properties = { stripe_subscription_id: sub.id, tier: fields.tierName, status: fields.status };

  // A subscription first seen late (its events replayed out of order) may already be
  // past its start, or over: its history is still recorded, dated from Stripe's object.
  const firstSeen = !existing || existing.status.startsWith("incomplete");
  if (duplicateOf && !existing?.duplicateOf) {
    // The member already holds a live subscription here: this one is cancelled and refunded, never granted.
    await enqueueJob(tx, JOB_KINDS.cancelDuplicate, { communityId: ctx.communityId, subscriptionId: row.id }, { key: `cancel_duplicate:${row.id}` });
    await raiseAlert(tx, ctx.communityId, {
      kind: "duplicate_subscription",
      severity: "info",
      title: `A member paid for a second tier (${fields.tierName}) while holding another`,
      detail: `Two checkouts were open at once. Subscription ${sub.id} is being cancelled and refunded at Stripe; the member keeps the tier they had.`,
      dedupeKey: `duplicate:${sub.id}`,
    });
  }
  if (firstSeen && !sub.status.startsWith("incomplete") && !duplicateOf) {
    await recordBillingEvent(tx, { ...base, at: new Date(sub.created * 1000), name: "subscription_started", properties });
    if (isPaying) await enqueueJob(tx, JOB_KINDS.newPaidMember, { communityId: ctx.communityId, memberId, tier: fields.tierName });
  }
  // Whenever a paying subscription is first seen in a tier (created, or switched there,
  // also from Stripe's own dashboard), a tier past its cap is flagged.
  const enteredTier = firstSeen || existing.tierId !== (tier?.id ?? null);
  if (isPaying && !duplicateOf && enteredTier && tier?.maxMembers != null) await flagIfOverCapacity(tx, ctx, { ...tier, maxMembers: tier.maxMembers }, sub.id);
  if (sub.status === "canceled" && existing?.status !== "canceled" && !duplicateOf) {
    await recordBillingEvent(tx, { ...base, at: fields.canceledAt ?? ctx.now, name: "subscription_canceled", properties });
  }
  // A pause with an end (new, or moved): the member hears a few days ahead that access and billing resume.
  if (fields.resumesAt && fields.resumesAt.getTime() !== existing?.resumesAt?.getTime()) {
    const runAt = new Date(Math.max(ctx.now.getTime(), fields.resumesAt.getTime() - PAUSE_NOTICE_DAYS * 86_400_000));
    await enqueueJob(tx, JOB_KINDS.pauseEnding, { communityId: ctx.communityId, subscriptionId: row.id }, { key: `pause_ending:${row.id}`, runAt });
  }
  if (refresh.changed) await requestRoleSync(tx, ctx.communityId, memberId, `subscription ${fields.status}`);
  return { subscriptionId: row.id, memberId, refresh };
}

/** Another live subscription of the member (not itself a duplicate): the one they keep. */
async function otherLiveSubscription(tx: TenantTx, memberId: string, stripeSubscriptionId: string): Promise<string | null> {
  const other = await tx.subscription.findFirst({
    where: { memberId, duplicateOf: null, status: { in: LIVE_SUBSCRIPTION }, NOT: { stripeSubscriptionId } },
    orderBy: { createdAt: "asc" },
    select: { id: true },
  });
  return other?.id ?? null;
}

/**
 * Two checkouts can race past a tier's cap, or a switch made in Stripe's own
 * dashboard can land in a full tier. The money is real, so the subscription
 * stands; the owner is told, not left to find out.
 */
async function flagIfOverCapacity(tx: TenantTx, ctx: SyncContext, tier: { id: string; name: string; maxMembers: number }, stripeSubscriptionId: string) {
  const seats = await seatsTaken(tx, tier.name);
  if (seats <= tier.maxMembers) return;
  await raiseAlert(tx, ctx.communityId, {
    kind: "tier_over_capacity",
    severity: "warning",
    title: `${tier.name} has ${seats} members, over its cap of ${tier.maxMembers}`,
    detail: `Subscription ${stripeSubscriptionId} came into this tier when it was full (checkouts at the same time, or a change made at Stripe). It was kept because it is paid; raise the cap or refund it from Payments.`,
    dedupeKey: `over_capacity:${stripeSubscriptionId}:${tier.id}`,
  });
}
