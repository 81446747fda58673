// Ending a membership for good: the member's erasure or the owner's removal.
// Stripe is told first (outside any transaction): a member must never keep
// being charged for a membership we ended. Then, in the community's scope, the
// local rows follow, and a job takes the Discord roles away.
import type Stripe from "stripe";
import { ActionError } from "../core/errors";
import { lockMember, refreshMember } from "../billing/member-refresh";
import type { TenantTx } from "../db/scopes";
import { Prisma } from "../generated/prisma/client";
import { enqueueJob, JOB_KINDS } from "../jobs/enqueue";
import { log } from "../observability/log";
import { isMissingAtStripe } from "../billing/stripe";

import { rowKey } from "../db/scopes";
/** Subscription statuses after which Stripe will never charge again. */
const ENDED = ["canceled", "incomplete_expired"];

export type LiveSubscription = { id: string; stripeSubscriptionId: string | null; tierName: string };

export function liveSubscriptions(tx: TenantTx, memberId: string): Promise<LiveSubscription[]> {
  return tx.subscription.findMany({ where: { memberId, status: { notIn: ENDED } }, select: { id: true, stripeSubscriptionId: true, tierName: true } });
}

/** Cancels now, without proration. A subscription Stripe no longer knows is already ended. */
export async function cancelAtStripe(client: Stripe, stripeAccount: string | null, subscriptions: LiveSubscription[], communityName: string) {
  for (const sub of subscriptions) {
    if (!sub.stripeSubscriptionId || !stripeAccount) continue;
    try {
      await client.subscriptions.cancel(sub.stripeSubscriptionId, {}, { stripeAccount });
    } catch (error) {
      if (isMissingAtStripe(error)) continue;
      log.error({ err: error, subscriptionId: sub.id }, "cancelling a subscription at Stripe failed");
      throw new ActionError(`Stripe could not cancel the ${sub.tierName} subscription in ${communityName}, so we stopped there. Please try again in a moment.`);
    }
  }
}

/** The member's customer on the connected account, deleted (Stripe keeps its own financial records of past charges). */
export async function deleteStripeCustomer(client: Stripe, stripeAccount: string | null, customerId: string, communityName: string) {
  if (!stripeAccount) return;
  try {
    await client.customers.del(customerId, {}, { stripeAccount });
  } catch (error) {
    if (isMissingAtStripe(error)) return;
    log.error({ err: error, customerId }, "deleting a customer at Stripe failed");
    throw new ActionError(`Stripe could not delete your customer record in ${communityName}, so we stopped there. Please try again in a moment.`);
  }
}

/**
 * The membership's rows once Stripe has cancelled: subscriptions ended, member
 * inactive (and scrubbed of what identifies them when erasing), status
 * recomputed, and the job that removes roles queued in this same transaction.
 */
export async function endMembership(tx: TenantTx, communityId: string, memberId: string, how: { erase: boolean; now: Date }) {
  // The member's lock before any of their rows, in the order a subscription's webhook takes them:
  // the cancellation just made at Stripe sends one at once, and the other order deadlocked with it.
  await lockMember(tx, memberId);
  await tx.subscription.updateMany({
    where: { memberId, status: { notIn: ENDED } },
    data: { status: "canceled", canceledAt: how.now, cancelAtPeriodEnd: false },
  });
  await tx.communityMember.update({
    where: rowKey(memberId),
    data: how.erase ? { isActive: false, erasedAt: how.now, nickname: null, checkoutAnswers: Prisma.DbNull } : { isActive: false, removedAt: how.now },
    select: { id: true },
  });
  // Free access ends with the membership; an erased member's notes about them go too.
  await tx.accessGrant.updateMany({ where: { memberId, revokedAt: null }, data: { revokedAt: how.now } });
  if (how.erase) {
    await tx.accessGrant.updateMany({ where: { memberId }, data: { note: null } });
    // Their words to whoever they gave a gift (the gift itself stays claimable: it was paid for).
    await tx.gift.updateMany({ where: { buyerMemberId: memberId, message: { not: null } }, data: { message: null } });
  }
  await refreshMember(tx, memberId, how.now, { locked: true });
  await enqueueJob(tx, JOB_KINDS.finishMemberExit, { communityId, memberId }, { key: `member_exit:${memberId}` });
}
