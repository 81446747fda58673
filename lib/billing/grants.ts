import type { Prisma } from "../generated/prisma/client";
import type { TenantTx } from "../db/scopes";

/**
 * Access grants (passes and comps) in force at `now`: not revoked, not past
 * their day, and for a pass, its payment not refunded. The same rule is the
 * `grants` part of refreshMember's query (member-refresh.ts), which reads it in SQL.
 */
export const grantInForce = (now: Date): Prisma.AccessGrantWhereInput => ({
  revokedAt: null,
  AND: [{ OR: [{ until: null }, { until: { gt: now } }] }, { OR: [{ paymentId: null }, { payment: { status: { not: "refunded" } } }] }],
});

/** Members besides the payer whose access this payment paid for (a gift's recipient): a refund ends theirs too. */
export async function otherHoldersOf(tx: TenantTx, paymentId: string, payerId: string): Promise<string[]> {
  const grants = await tx.accessGrant.findMany({ where: { paymentId, memberId: { not: payerId } }, select: { memberId: true }, distinct: ["memberId"] });
  return grants.map((g) => g.memberId);
}

/**
 * Until when the member already has this tier paid for by a pass or a claimed
 * gift (the latest end of those in force), or null: none, or one for good.
 */
export async function paidAccessUntil(tx: TenantTx, memberId: string, tierId: string, now = new Date()): Promise<Date | null> {
  const grants = await tx.accessGrant.findMany({ where: { memberId, tierId, kind: "pass", ...grantInForce(now) }, select: { until: true } });
  if (grants.length === 0 || grants.some((g) => g.until === null)) return null;
  return new Date(Math.max(...grants.map((g) => g.until!.getTime())));
}
