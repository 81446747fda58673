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
 * The member's access to this tier paid for by a pass or a claimed gift, as it
 * stands now: null for none, `until: null` for good, else until the latest end.
 */
export async function paidAccessTo(tx: TenantTx, memberId: string, tierId: string, now = new Date()): Promise<{ until: Date | null } | null> {
  return accessReach(await tx.accessGrant.findMany({ where: { memberId, tierId, kind: "pass", ...grantInForce(now) }, select: { until: true } }));
}

/** How far grants in force reach together: null for none, `until: null` for good, else until the latest end. */
export function accessReach(grants: { until: Date | null }[]): { until: Date | null } | null {
  if (grants.length === 0) return null;
  if (grants.some((g) => g.until === null)) return { until: null };
  return { until: new Date(Math.max(...grants.map((g) => g.until!.getTime()))) };
}
