import type { Prisma } from "../generated/prisma/client";

/**
 * Access grants (passes and comps) in force at `now`: not revoked, not past
 * their day, and for a pass, its payment not refunded. The same rule is the
 * `grants` part of refreshMember's query (member-refresh.ts), which reads it in SQL.
 */
export const grantInForce = (now: Date): Prisma.AccessGrantWhereInput => ({
  revokedAt: null,
  AND: [{ OR: [{ until: null }, { until: { gt: now } }] }, { OR: [{ paymentId: null }, { payment: { status: { not: "refunded" } } }] }],
});
