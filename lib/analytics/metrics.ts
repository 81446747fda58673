// The owner's numbers, computed from the billing tables in the community's
// scope. Every read of payments or events is bounded in time, so monthly
// partitions and the (community_id, time) indexes do the work.
//
// Definitions (shown to owners on the overview):
// - MRR: the monthly value of active subscriptions (their payment is up to
//   date), at their tier's price in the currency each is billed in, summed per
//   currency; yearly prices count as 1/12. Trials are not revenue yet; passes
//   (one payment) are revenue, not recurring.
// - At-risk MRR: the same for subscriptions past due within their grace period:
//   revenue that recovers if the member pays, and is lost if not.
// - Paying members: members whose status is active. Past-due members are
//   counted apart.
// - New members: joined this calendar month (UTC).
// - Churned: members whose subscription was canceled this month.
// - Paying over time: members with a paying subscription at the end of each month
//   (the current month: paying members now).
// - Churn rate: churned / (paying now + past due now + churned).
// - Revenue: payments received less refunds, by when they were processed.
// - In recovery: failed payments of the last 90 days whose member is still in
//   the grace or restricted stage (reminders are going out).
// - Recovered: failed payments paid after all (by the reminders' links or
//   Stripe's retries), by when they were paid (30 days).
// - Recovery rate: of the payments that failed in the last 90 days, the share
//   paid since.
// - Cancellation reasons: subscriptions canceled in the last 90 days, by the
//   reason the member picked (Stripe's cancellation_details.feedback).
import { Prisma } from "../generated/prisma/client";
import type { TenantTx } from "../db/scopes";
import { closedMonthStats, monthsBetween } from "./monthly-stats";

export type Money = { currency: string; amount: string };
export type Overview = {
  mrr: Money[];
  atRiskMrr: Money[];
  payingMembers: number;
  pastDueMembers: number;
  /** Members on a break (a paused subscription): not paying now, not churned. */
  pausedMembers: number;
  newMembersThisMonth: number;
  churnedThisMonth: number;
  churnRate: number;
  revenueLast30Days: Money[];
  failedPaymentsOpen: number;
  disputesOpen: number;
  driftOpen: number;
  recovery: { inRecovery: Money[]; inRecoveryCount: number; recoveredLast30Days: Money[]; failed90: number; recovered90: number; rate: number | null };
  cancellationReasons: { reason: string | null; count: number }[];
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
export async function overview(communityId: string, inScope: InScope, now = new Date(), onTiming?: (label: string, ms: number) => void): Promise<Overview> {
  // Four statements in four short transactions, run at once.
  const time = <T>(label: string, run: (tx: TenantTx) => Promise<T>, options: { utc?: boolean } = {}): Promise<T> =>
    inScope(async (tx) => {
      const start = performance.now();
      if (options.utc) await tx.$executeRaw`SET LOCAL TIME ZONE 'UTC'`;
      const result = await run(tx);
      onTiming?.(label, performance.now() - start);
      return result;
    });
  const monthStart = startOfMonth(now);
  const since30 = new Date(now.getTime() - 30 * 86_400_000);
  const since60 = new Date(now.getTime() - 60 * 86_400_000);
  const chartStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 11, 1));

  const mrrQuery = time(
    "mrr",
    (tx) => tx.$queryRaw<{ currency: string; amount: Prisma.Decimal | null; atRisk: Prisma.Decimal | null }[]>`
    SELECT b.currency,
           sum(CASE WHEN b.interval = 'yearly' THEN b.price / 12 ELSE b.price END) FILTER (WHERE b.status = 'active')::numeric(12,2) AS amount,
           sum(CASE WHEN b.interval = 'yearly' THEN b.price / 12 ELSE b.price END) FILTER (WHERE b.status = 'past_due')::numeric(12,2) AS "atRisk"
      FROM (
        -- Each subscription at its tier's price in the currency it is billed in.
        SELECT s.status, t.interval, coalesce(s.currency, t.currency) AS currency,
               CASE WHEN coalesce(s.currency, t.currency) = t.currency THEN t.price
                    ELSE coalesce((t.currency_prices ->> s.currency)::numeric, t.price) END AS price
          FROM subscriptions s
          JOIN subscription_tiers t ON t.community_id = s.community_id AND (t.id = s.tier_id OR (s.tier_id IS NULL AND t.name = s.tier_name))
         WHERE s.duplicate_of IS NULL
           AND (s.status = 'active' OR (s.status = 'past_due' AND coalesce(s.grace_period_ends_at, s.current_period_end) > ${now}))
      ) b
     GROUP BY b.currency ORDER BY amount DESC NULLS LAST`,
  );
  const countsQuery = time(
    "counts",
    (tx) => tx.$queryRaw<
      {
        total: number;
        paying: number;
        pastDue: number;
        paused: number;
        joined: number;
        churned: number;
        failed: number;
        disputed: number;
        drift: number;
        currency: string | null;
      }[]
    >`
    SELECT m.total, m.paying, m."pastDue", m.paused, m.joined,
           (SELECT count(DISTINCT member_id)::int FROM subscriptions WHERE status = 'canceled' AND canceled_at >= ${monthStart} AND duplicate_of IS NULL) AS churned,
           (SELECT count(*)::int FROM payments p JOIN community_members cm ON cm.community_id = p.community_id AND cm.id = p.member_id
             WHERE p.status = 'failed' AND p.created_at >= ${since60} AND cm.subscription_status IN ('past_due', 'unpaid')) AS failed,
           (SELECT count(*)::int FROM payments WHERE status = 'disputed') AS disputed,
           (SELECT count(*)::int FROM discord_role_drift WHERE resolved_at IS NULL) AS drift,
           -- The charts' currency: the one most of the community's tiers use.
           (SELECT currency FROM subscription_tiers GROUP BY currency ORDER BY count(*) DESC, currency LIMIT 1) AS currency
      FROM (SELECT count(*)::int AS total,
                   count(*) FILTER (WHERE subscription_status = 'active')::int AS paying,
                   count(*) FILTER (WHERE subscription_status = 'past_due')::int AS "pastDue",
                   count(*) FILTER (WHERE subscription_status = 'paused')::int AS paused,
                   count(*) FILTER (WHERE joined_at >= ${monthStart})::int AS joined
              FROM community_members) m`,
  );
  const revenueQuery = time(
    "revenue",
    (tx) => tx.$queryRaw<{ currency: string; last30: Prisma.Decimal | null; thisMonth: Prisma.Decimal | null }[]>`
    SELECT currency,
           sum(amount - amount_refunded) FILTER (WHERE processed_at >= ${since30}) AS last30,
           sum(amount - amount_refunded) FILTER (WHERE processed_at >= ${monthStart}) AS "thisMonth"
      FROM payments
     WHERE processed_at >= ${since30 < monthStart ? since30 : monthStart} AND status IN ('succeeded', 'partially_refunded', 'refunded', 'disputed')
     GROUP BY currency ORDER BY last30 DESC NULLS LAST`,
  );
  const since90 = new Date(now.getTime() - 90 * 86_400_000);
  const recoveryQuery = time(
    "recovery",
    (tx) => tx.$queryRaw<
      { currency: string; openCount: number; open: Prisma.Decimal | null; recovered30: Prisma.Decimal | null; failed90: number; recovered90: number }[]
    >`
    SELECT p.currency,
           count(*) FILTER (WHERE p.status = 'failed' AND cm.subscription_status IN ('past_due', 'restricted'))::int AS "openCount",
           sum(p.amount) FILTER (WHERE p.status = 'failed' AND cm.subscription_status IN ('past_due', 'restricted')) AS open,
           sum(p.amount) FILTER (WHERE p.recovered_at >= ${since30}) AS recovered30,
           count(*) FILTER (WHERE p.failed_at >= ${since90})::int AS failed90,
           count(*) FILTER (WHERE p.failed_at >= ${since90} AND p.recovered_at IS NOT NULL)::int AS recovered90
      FROM payments p JOIN community_members cm ON cm.community_id = p.community_id AND cm.id = p.member_id
     WHERE p.failed_at >= ${since90 < since30 ? since90 : since30}
     GROUP BY p.currency`,
  );
  const reasonsQuery = time(
    "cancellation reasons",
    (tx) => tx.$queryRaw<{ reason: string | null; count: number }[]>`
    SELECT cancellation_feedback AS reason, count(*)::int AS count
      FROM subscriptions
     WHERE status = 'canceled' AND canceled_at >= ${since90} AND duplicate_of IS NULL
     GROUP BY cancellation_feedback ORDER BY count DESC, reason NULLS LAST`,
  );
  // Closed months from community_monthly_stats (computed once, kept by a nightly job);
  // only the current month is read live.
  const closedQuery = time("closed months", (tx) => closedMonthStats(tx, communityId, monthsBetween(chartStart, monthStart)), { utc: true });

  const [mrr, [counts], revenueRows, closed, recoveryRows, cancellationReasons] = await Promise.all([
    mrrQuery,
    countsQuery,
    revenueQuery,
    closedQuery,
    recoveryQuery,
    reasonsQuery,
  ]);
  const failed90 = recoveryRows.reduce((n, r) => n + r.failed90, 0);
  const recovered90 = recoveryRows.reduce((n, r) => n + r.recovered90, 0);
  const currency = counts?.currency ?? "USD";
  const members = counts;
  const revenue = revenueRows.map((r) => ({ currency: r.currency, amount: r.last30 }));
  const thisMonth = revenueRows.find((r) => r.currency === currency)?.thisMonth ?? null;
  const paying = members?.paying ?? 0;
  const pastDue = members?.pastDue ?? 0;
  const churned = counts?.churned ?? 0;
  const label = (d: Date) => d.toISOString().slice(0, 7);
  return {
    mrr: money(mrr),
    atRiskMrr: money(mrr.map((r) => ({ currency: r.currency, amount: r.atRisk }))),
    payingMembers: paying,
    pastDueMembers: pastDue,
    pausedMembers: members?.paused ?? 0,
    newMembersThisMonth: members?.joined ?? 0,
    churnedThisMonth: churned,
    churnRate: paying + pastDue + churned === 0 ? 0 : churned / (paying + pastDue + churned),
    revenueLast30Days: money(revenue),
    failedPaymentsOpen: counts?.failed ?? 0,
    disputesOpen: counts?.disputed ?? 0,
    driftOpen: counts?.drift ?? 0,
    recovery: {
      inRecovery: money(recoveryRows.map((r) => ({ currency: r.currency, amount: r.open }))),
      inRecoveryCount: recoveryRows.reduce((n, r) => n + r.openCount, 0),
      recoveredLast30Days: money(recoveryRows.map((r) => ({ currency: r.currency, amount: r.recovered30 }))),
      failed90,
      recovered90,
      rate: failed90 === 0 ? null : recovered90 / failed90,
    },
    cancellationReasons,
    revenueByMonth: [
      ...closed.map((m) => ({ month: label(m.month), amount: Number(m.revenue[currency] ?? 0) })),
      { month: label(monthStart), amount: Number(thisMonth ?? 0) },
    ],
    membersByMonth: [
      ...closed.map((m) => ({ month: label(m.month), members: m.membersTotal, paying: m.payingTotal })),
      { month: label(monthStart), members: members?.total ?? 0, paying },
    ],
    currency,
  };
}
