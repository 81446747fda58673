import type { TenantTx } from "../db/scopes";
import { idSchema } from "../db/ids";
import { raiseAlert } from "../alerts/raise";
import { recordBillingEvent } from "../analytics/record";
import { enqueueJob, JOB_KINDS, requestRoleSync } from "../jobs/enqueue";
import { givesAccess, SEAT_HOLDING } from "./member-standing";
import { refreshMember, type MemberRefresh } from "./member-refresh";
import { WebhookRejection } from "./webhooks/errors";
import type { StripeSubscription } from "./webhooks/stripe-objects";

export type SyncContext = { communityId: string; now: Date; gracePeriodDays: number };
export type SyncedSubscription = { subscriptionId: string; memberId: string; refresh: MemberRefresh };

const at = (seconds: number | null | undefined) => (seconds == null ? null : new Date(seconds * 1000));
const DAY = 86_400_000;

/** Our member for a Stripe subscription: from our checkout's metadata, else by the Stripe customer. */
async function memberFor(tx: TenantTx, ctx: SyncContext, sub: StripeSubscription): Promise<string> {
  const { community_id: communityId, member_id: memberId } = sub.metadata;
  if (communityId !== undefined && communityId !== ctx.communityId) {
    throw new WebhookRejection(`subscription ${sub.id} names community ${communityId}, but arrived for the account of ${ctx.communityId}`);
  }
  if (memberId !== undefined) {
    if (!idSchema.safeParse(memberId).success) throw new WebhookRejection(`subscription ${sub.id} has a malformed member_id`);
    // The scope hides other communities' members, so this also proves the member is ours.
    const member = await tx.communityMember.findUnique({ where: { id: memberId.toLowerCase() }, select: { id: true } });
    if (member) return member.id;
  }
  const byCustomer = await tx.communityMember.findFirst({ where: { stripeCustomerId: sub.customer }, select: { id: true } });
  if (byCustomer) return byCustomer.id;
  throw new WebhookRejection(`no member of this community matches subscription ${sub.id} (customer ${sub.customer})`);
}

/** The tier by its current Stripe price, else by our checkout's metadata (a price archived since). */
async function tierFor(tx: TenantTx, sub: StripeSubscription) {
  const select = { id: true, name: true, maxMembers: true } as const;
  const byPrice = await tx.subscriptionTier.findUnique({ where: { stripePriceId: sub.price.id }, select });
  if (byPrice) return byPrice;
  const tierId = sub.metadata.tier_id;
  if (tierId && idSchema.safeParse(tierId).success) return tx.subscriptionTier.findUnique({ where: { id: tierId.toLowerCase() }, select });
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
    where: { stripeSubscriptionId: sub.id },
    select: { id: true, memberId: true, status: true, tierName: true, gracePeriodEndsAt: true },
  });
  const memberId = existing?.memberId ?? (await memberFor(tx, ctx, sub));
  const tier = await tierFor(tx, sub);

  // The grace period starts when we first see the subscription past due.
  const gracePeriodEndsAt = sub.status === "past_due" ? (existing?.gracePeriodEndsAt ?? new Date(ctx.now.getTime() + ctx.gracePeriodDays * DAY)) : null;
  const fields = {
    status: sub.status,
    tierId: tier?.id ?? null,
    tierName: tier?.name ?? existing?.tierName ?? sub.metadata.tier_name ?? "Unknown tier",
    stripeCustomerId: sub.customer,
    currentPeriodStart: new Date(sub.periodStart * 1000),
    currentPeriodEnd: new Date(sub.periodEnd * 1000),
    cancelAtPeriodEnd: sub.cancel_at_period_end,
    canceledAt: at(sub.canceled_at ?? sub.ended_at),
    trialStart: at(sub.trial_start),
    trialEnd: at(sub.trial_end),
    metadata: sub.metadata,
    gracePeriodEndsAt,
  };
  const row = existing
    ? await tx.subscription.update({ where: { id: existing.id }, data: fields, select: { id: true } })
    : await tx.subscription.create({ data: { ...fields, communityId: ctx.communityId, memberId, stripeSubscriptionId: sub.id }, select: { id: true } });

  const refresh = await refreshMember(tx, memberId, ctx.now);
  const { member } = refresh;
  const isPaying = givesAccess(sub.status);
  const base = { communityId: ctx.communityId, at: ctx.now, userId: member.userId, discordUserId: member.discordUserId };
  const properties = { stripe_subscription_id: sub.id, tier: fields.tierName, status: sub.status };

  // A subscription first seen late (its events replayed out of order) may already be
  // past its start, or over: its history is still recorded, dated from Stripe's object.
  const firstSeen = !existing || existing.status.startsWith("incomplete");
  if (firstSeen && !sub.status.startsWith("incomplete")) {
    await recordBillingEvent(tx, { ...base, at: new Date(sub.created * 1000), name: "subscription_started", properties });
    if (isPaying) await enqueueJob(tx, JOB_KINDS.newPaidMember, { communityId: ctx.communityId,  memberId, tier: fields.tierName });
    if (isPaying && tier?.maxMembers != null) await flagIfOverCapacity(tx, ctx, { ...tier, maxMembers: tier.maxMembers }, sub.id);
  }
  if (sub.status === "canceled" && existing?.status !== "canceled") {
    await recordBillingEvent(tx, { ...base, at: fields.canceledAt ?? ctx.now, name: "subscription_canceled", properties });
  }
  if (refresh.changed) await requestRoleSync(tx, ctx.communityId, memberId, `subscription ${sub.status}`);
  return { subscriptionId: row.id, memberId, refresh };
}

/**
 * Two checkouts can race past a tier's cap. The money is real, so the
 * subscription stands; the owner is told, not left to find out.
 */
async function flagIfOverCapacity(tx: TenantTx, ctx: SyncContext, tier: { id: string; name: string; maxMembers: number }, stripeSubscriptionId: string) {
  const seats = await tx.communityMember.count({ where: { subscriptionTier: tier.name, subscriptionStatus: { in: SEAT_HOLDING } } });
  if (seats <= tier.maxMembers) return;
  await raiseAlert(tx, ctx.communityId, {
    kind: "tier_over_capacity",
    severity: "warning",
    title: `${tier.name} has ${seats} members, over its cap of ${tier.maxMembers}`,
    detail: `Two checkouts finished at the same time. Subscription ${stripeSubscriptionId} was kept because it was paid; raise the cap or refund it from Payments.`,
    dedupeKey: `over_capacity:${stripeSubscriptionId}`,
  });
}
