// The owner's numbers, computed from the billing tables in the community's
// scope. Every read of payments or events is bounded in time, so monthly
// partitions and the (community_id, time) indexes do the work.
//
// Definitions (shown to owners on the overview):
// - MRR: the monthly value of subscriptions that pay now (active, or past due
//   within grace), at their tier's price; yearly prices count as 1/12.
// - Paying members: members whose status is active or past_due.
// - New members: joined this calendar month (UTC).
// - Churned: members whose subscription was canceled this month.
// - Paying over time: subscriptions paying at the end of each month.
// - Churn rate: churned / (paying now + churned).
// - Revenue: payments received less refunds, by when they were processed.
import { Prisma } from "../generated/prisma/client";
import type { TenantTx } from "../db/scopes";

export type Money = { currency: string; amount: string };
export type Overview = {
  mrr: Money[];
  payingMembers: number;
  newMembersThisMonth: number;
  churnedThisMonth: number;
  churnRate: number;
  revenueLast30Days: Money[];
  failedPaymentsOpen: number;
  disputesOpen: number;
  driftOpen: number;
  revenueByMonth: { month: string; amount: number }[];
  membersByMonth: { month: string; members: number; paying: number }[];
  currency: string;
};

const startOfMonth = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
const money = (rows: { currency: string; amount: Prisma.Decimal | null }[]): Money[] =>
  rows.filter((r) => r.amount !== null && !r.amount.isZero()).map((r) => ({ currency: r.currency, amount: r.amount!.toFixed(2) }));

type InScope = <T>(fn: (tx: TenantTx) => Promise<T>) => Promise<T>;

/**
 * Every number of the overview. The queries are independent, so they run in
 * parallel, each in a short transaction of its own in the community's scope;
 * month boundaries are UTC (SET LOCAL, so the pooled connection keeps its own).
 */
export async function overview(inScope: InScope, now = new Date(), onTiming?: (label: string, ms: number) => void): Promise<Overview> {
  const time = <T,>(label: string, run: (tx: TenantTx) => Promise<T>): Promise<T> =>
    inScope(async (tx) => {
      const start = performance.now();
      await tx.$executeRaw`SET LOCAL TIME ZONE 'UTC'`;
      const result = await run(tx);
      onTiming?.(label, performance.now() - start);
      return result;
    });
  const monthStart = startOfMonth(now);
  const since30 = new Date(now.getTime() - 30 * 86_400_000);
  const chartStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 11, 1));

  const mrrQuery = time("mrr", (tx) => tx.$queryRaw<{ currency: string; amount: Prisma.Decimal }[]>`
    SELECT t.currency, sum(CASE WHEN t.interval = 'yearly' THEN t.price / 12 ELSE t.price END)::numeric(12,2) AS amount
      FROM subscriptions s
      JOIN subscription_tiers t ON t.community_id = s.community_id AND (t.id = s.tier_id OR (s.tier_id IS NULL AND t.name = s.tier_name))
      JOIN community_members m ON m.community_id = s.community_id AND m.id = s.member_id
     WHERE s.status IN ('active', 'past_due') AND m.subscription_status IN ('active', 'past_due')
     GROUP BY t.currency ORDER BY amount DESC`);
  const membersQuery = time("members", (tx) => tx.$queryRaw<{ paying: number; joined: number }[]>`
    SELECT count(*) FILTER (WHERE subscription_status IN ('active', 'past_due'))::int AS paying,
           count(*) FILTER (WHERE joined_at >= ${monthStart})::int AS joined
      FROM community_members`);
  const churnQuery = time("churn", (tx) => tx.$queryRaw<{ churned: number }[]>`
    SELECT count(DISTINCT member_id)::int AS churned FROM subscriptions WHERE status = 'canceled' AND canceled_at >= ${monthStart}`);
  const revenueQuery = time("revenue", (tx) => tx.$queryRaw<{ currency: string; amount: Prisma.Decimal }[]>`
    SELECT currency, sum(amount - amount_refunded) AS amount FROM payments
     WHERE processed_at >= ${since30} AND status IN ('succeeded', 'partially_refunded', 'refunded', 'disputed')
     GROUP BY currency ORDER BY amount DESC`);
  const attentionQuery = time("attention", (tx) => tx.$queryRaw<{ failed: number; disputed: number }[]>`
    SELECT (SELECT count(*)::int FROM payments p JOIN community_members m ON m.community_id = p.community_id AND m.id = p.member_id
             WHERE p.status = 'failed' AND p.created_at >= ${new Date(now.getTime() - 60 * 86_400_000)}
               AND m.subscription_status IN ('past_due', 'unpaid')) AS failed,
           (SELECT count(*)::int FROM payments WHERE status = 'disputed') AS disputed`);
  const driftQuery = time("drift", (tx) => tx.discordRoleDrift.count({ where: { resolvedAt: null } }));
  // The chart's currency: the community's tiers' (the most common), known without waiting for MRR.
  const currencyQuery = time("currency", (tx) =>
    tx.subscriptionTier.groupBy({ by: ["currency"], _count: true, orderBy: { _count: { currency: "desc" } }, take: 1 }).then((rows) => rows[0]?.currency ?? "USD"),
  );
  const currency = await currencyQuery;
  // One pass over each table, grouped by month; the months without rows are filled in.
  const byMonthQuery = time("revenue by month", (tx) => tx.$queryRaw<{ month: Date; amount: Prisma.Decimal }[]>`
    WITH months AS (SELECT generate_series(${chartStart}::timestamptz, ${monthStart}::timestamptz, interval '1 month') AS month),
         sums AS (SELECT date_trunc('month', processed_at) AS month, sum(amount - amount_refunded) AS amount
                    FROM payments
                   WHERE processed_at >= ${chartStart} AND currency = ${currency}
                     AND status IN ('succeeded', 'partially_refunded', 'refunded', 'disputed')
                   GROUP BY 1)
    SELECT months.month, coalesce(sums.amount, 0) AS amount FROM months LEFT JOIN sums USING (month) ORDER BY months.month`);
  // Paying in a month: started (after any trial) by its end and not canceled within it.
  // MATERIALIZED: each monthly total is computed once, not re-scanned for each of the 12 months.
  const growthQuery = time("members by month", (tx) => tx.$queryRaw<{ month: Date; members: number; paying: number }[]>`
    WITH months AS (SELECT generate_series(${chartStart}::timestamptz, ${monthStart}::timestamptz, interval '1 month') AS month),
         joins AS MATERIALIZED (SELECT date_trunc('month', joined_at) AS m, count(*) AS n FROM community_members GROUP BY 1),
         paid AS (SELECT date_trunc('month', coalesce(trial_end, created_at)) AS starts, date_trunc('month', canceled_at) AS ends
                    FROM subscriptions WHERE status NOT IN ('incomplete', 'incomplete_expired', 'trialing')),
         starts AS MATERIALIZED (SELECT starts AS m, count(*) AS n FROM paid GROUP BY 1),
         ends AS MATERIALIZED (SELECT ends AS m, count(*) AS n FROM paid WHERE ends IS NOT NULL GROUP BY 1)
    SELECT months.month,
           (SELECT coalesce(sum(n), 0) FROM joins WHERE m <= months.month)::int AS members,
           ((SELECT coalesce(sum(n), 0) FROM starts WHERE m <= months.month) - (SELECT coalesce(sum(n), 0) FROM ends WHERE m <= months.month))::int AS paying
      FROM months ORDER BY months.month`);

  const [mrr, [members], [churn], revenue, [attention], driftOpen, byMonth, growth] = await Promise.all([
    mrrQuery, membersQuery, churnQuery, revenueQuery, attentionQuery, driftQuery, byMonthQuery, growthQuery,
  ]);
  const paying = members?.paying ?? 0;
  const churned = churn?.churned ?? 0;
  const label = (d: Date) => d.toISOString().slice(0, 7);
  return {
    mrr: money(mrr),
    payingMembers: paying,
    newMembersThisMonth: members?.joined ?? 0,
    churnedThisMonth: churned,
    churnRate: paying + churned === 0 ? 0 : churned / (paying + churned),
    revenueLast30Days: money(revenue),
    failedPaymentsOpen: attention?.failed ?? 0,
    disputesOpen: attention?.disputed ?? 0,
    driftOpen,
    revenueByMonth: byMonth.map((r) => ({ month: label(r.month), amount: Number(r.amount) })),
    membersByMonth: growth.map((r) => ({ month: label(r.month), members: r.members, paying: r.paying })),
    currency,
  };
}
