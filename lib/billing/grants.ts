import type { Prisma } from "../generated/prisma/client";
import type { TenantTx } from "../db/scopes";
import { requestRoleSync } from "../jobs/enqueue";
import { lockMember, refreshMember } from "./member-refresh";
import { VOIDED_PAYMENT_STATUSES } from "./payment-records";

/**
 * Access grants (passes and comps) in force at `now`: not revoked, not past
 * their day, and for a pass, its payment not voided (an open dispute suspends
 * the holder instead: their standing says so). The same rule is the
 * `grants` part of refreshMember's query (member-refresh.ts), which reads it in SQL.
 */
export const grantInForce = (now: Date): Prisma.AccessGrantWhereInput => ({
  revokedAt: null,
  AND: [{ OR: [{ until: null }, { until: { gt: now } }] }, { OR: [{ paymentId: null }, { payment: { status: { notIn: [...VOIDED_PAYMENT_STATUSES] } } }] }],
});

/**
 * A refund or a dispute changed what this payment pays for: the members besides
 * the payer who hold access through it (a gift's recipient) are refreshed too,
 * each under their lock (taken after the payer's), and their roles synced.
 */
export async function refreshOtherHolders(
  tx: TenantTx,
  payment: { id: string; memberId: string },
  ctx: { communityId: string; now: Date },
  reason: string,
): Promise<void> {
  const grants = await tx.accessGrant.findMany({
    where: { paymentId: payment.id, memberId: { not: payment.memberId } },
    select: { memberId: true },
    distinct: ["memberId"],
  });
  for (const { memberId } of grants) {
    await lockMember(tx, memberId);
    if ((await refreshMember(tx, memberId, ctx.now, { locked: true })).changed) await requestRoleSync(tx, ctx.communityId, memberId, reason);
  }
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
