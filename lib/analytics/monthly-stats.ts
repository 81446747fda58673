// Closed months' totals, computed once and read many times: a year of payments
// and every subscription scanned by a job, not by each view of the overview.
import type { Prisma } from "../generated/prisma/client";
import type { TenantTx } from "../db/scopes";

export type MonthStats = { month: Date; revenue: Record<string, string>; membersTotal: number; payingTotal: number };

/** UTC month starts from `first` up to (not including) `end`. */
export function monthsBetween(first: Date, end: Date): Date[] {
  const months: Date[] = [];
  for (let m = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), 1)); m < end; m = new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1)))
    months.push(m);
  return months;
}

/**
 * Net revenue by currency, members who had joined, and members paying, as of the
 * end of each given month. One pass over each table (the CTEs are materialized).
 * Call inside a transaction with SET LOCAL TIME ZONE 'UTC'.
 */
export async function computeMonthlyStats(tx: TenantTx, months: Date[]): Promise<MonthStats[]> {
  if (months.length === 0) return [];
  const first = months[0]!;
  const last = months.at(-1)!;
  const end = new Date(Date.UTC(last.getUTCFullYear(), last.getUTCMonth() + 1, 1));
  const rows = await tx.$queryRaw<{ month: Date; revenue: Record<string, string>; members_total: number; paying_total: number }[]>`
    WITH months AS (SELECT unnest(${months}::timestamptz[]) AS month),
         rev AS MATERIALIZED (
           SELECT date_trunc('month', processed_at) AS m, currency, sum(amount - amount_refunded)::text AS amount
             FROM payments
            WHERE processed_at >= ${first} AND processed_at < ${end}
              AND status IN ('succeeded', 'partially_refunded', 'refunded', 'disputed')
            GROUP BY 1, 2),
         joins AS MATERIALIZED (SELECT date_trunc('month', joined_at) AS m, count(*) AS n FROM community_members GROUP BY 1),
         paid AS MATERIALIZED (
           SELECT member_id, date_trunc('month', coalesce(trial_end, created_at)) AS starts, date_trunc('month', canceled_at) AS ends
             FROM subscriptions WHERE status NOT IN ('incomplete', 'incomplete_expired', 'trialing') AND duplicate_of IS NULL)
    SELECT months.month,
           coalesce((SELECT jsonb_object_agg(currency, amount) FROM rev WHERE m = months.month), '{}'::jsonb) AS revenue,
           (SELECT coalesce(sum(n), 0) FROM joins WHERE m <= months.month)::int AS members_total,
           (SELECT count(DISTINCT member_id) FROM paid WHERE starts <= months.month AND (ends IS NULL OR ends > months.month))::int AS paying_total
      FROM months ORDER BY months.month`;
  return rows.map((r) => ({ month: r.month, revenue: r.revenue, membersTotal: r.members_total, payingTotal: r.paying_total }));
}

export async function saveMonthlyStats(tx: TenantTx, communityId: string, stats: MonthStats[]): Promise<void> {
  for (const s of stats) {
    const data = { revenue: s.revenue as Prisma.InputJsonObject, membersTotal: s.membersTotal, payingTotal: s.payingTotal, computedAt: new Date() };
    await tx.communityMonthlyStat.upsert({
      where: { communityId_month: { communityId, month: s.month } },
      create: { communityId, month: s.month, ...data },
      update: data,
      select: { id: true },
    });
  }
}

/** The closed months of the overview's window, from the table; any missing are computed and kept. */
export async function closedMonthStats(tx: TenantTx, communityId: string, months: Date[]): Promise<MonthStats[]> {
  const stored = await tx.communityMonthlyStat.findMany({
    where: { month: { in: months } },
    select: { month: true, revenue: true, membersTotal: true, payingTotal: true },
  });
  const have = new Set(stored.map((s) => s.month.getTime()));
  const missing = months.filter((m) => !have.has(m.getTime()));
  const computed = await computeMonthlyStats(tx, missing);
  await saveMonthlyStats(tx, communityId, computed);
  return [...stored.map((s) => ({ ...s, revenue: s.revenue as Record<string, string> })), ...computed].sort((a, b) => a.month.getTime() - b.month.getTime());
}
