import { Prisma } from "../generated/prisma/client";
import type { TenantTx } from "../db/scopes";
import { memberStanding, type Standing } from "./member-standing";

/** Payment statuses whose money the member has spent (less any refund). */
export const SPENT_STATUSES = ["succeeded", "partially_refunded", "refunded", "disputed"];

export type MemberRefresh = {
  member: { id: string; userId: string; discordUserId: string };
  before: Standing;
  after: Standing;
  /** Status or tier changed: the member's Discord roles may need to follow. */
  changed: boolean;
};

/**
 * Recomputes the member's status, tier, expiry and total spent from their
 * subscriptions and payments, and writes what changed. Serialised per member so
 * two events for the same member cannot each miss the other's write.
 */
export async function refreshMember(tx: TenantTx, memberId: string, now: Date): Promise<MemberRefresh> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`member:${memberId}`}))`;
  const [member, subscriptions, openDisputes, spent] = await Promise.all([
    tx.communityMember.findUniqueOrThrow({
      where: { id: memberId },
      select: { id: true, userId: true, discordUserId: true, subscriptionStatus: true, subscriptionTier: true, subscriptionExpiresAt: true, totalSpent: true },
    }),
    tx.subscription.findMany({
      where: { memberId },
      select: { status: true, tierName: true, currentPeriodEnd: true, gracePeriodEndsAt: true, canceledAt: true },
    }),
    tx.payment.count({ where: { memberId, status: "disputed" } }),
    tx.payment.aggregate({ where: { memberId, status: { in: SPENT_STATUSES } }, _sum: { amount: true, amountRefunded: true } }),
  ]);
  const before: Standing = { status: member.subscriptionStatus, tier: member.subscriptionTier, expiresAt: member.subscriptionExpiresAt };
  const after = memberStanding(subscriptions, { openDisputes, now });
  const totalSpent = new Prisma.Decimal(spent._sum.amount ?? 0).minus(spent._sum.amountRefunded ?? 0);

  const changed = before.status !== after.status || before.tier !== after.tier;
  const expiryChanged = before.expiresAt?.getTime() !== after.expiresAt?.getTime();
  if (changed || expiryChanged || !totalSpent.equals(member.totalSpent)) {
    await tx.communityMember.update({
      where: { id: memberId },
      data: { subscriptionStatus: after.status, subscriptionTier: after.tier, subscriptionExpiresAt: after.expiresAt, totalSpent },
      select: { id: true },
    });
  }
  return { member: { id: member.id, userId: member.userId, discordUserId: member.discordUserId }, before, after, changed };
}
