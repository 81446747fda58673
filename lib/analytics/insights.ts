// The Analytics tab's numbers, from the billing tables in the community's scope,
// in one currency at a time (the community's main one unless asked).
//
// Definitions (shown to owners on the tab):
// - A member's MRR in a month: their subscription payments received, less tax
//   and refunds, spread over the months each pays for (one, or twelve for a
//   yearly tier), summed per calendar month (UTC). Passes are not recurring.
// - Months are complete calendar months (the current one is not over: its
//   monthly payments are still to come), the last twelve.
// - MRR movements, month over month, per member: new (first MRR ever seen),
//   reactivated (MRR again after a gap), expansion and contraction (more or
//   less than the month before), churned (MRR the month before, none now).
//   MRR(m) = MRR(m-1) + new + reactivated + expansion - contraction - churned.
// - Churn, per month: subscriptions that ended, voluntary (cancelled) or
//   involuntary (ended after a failed payment's grace period started).
// - ARPU: revenue of the last 30 days / paying members (active or past due);
//   LTV: ARPU / the last complete month's MRR churn rate (churned MRR / the
//   MRR of the month before).
// - Cohorts: members by the month of their first MRR (payments of the last two
//   years are looked at), and the share with MRR in each month after.
// - Funnel, the last three complete months: page visitors, checkouts started,
//   members whose subscription started, of those in the Discord server, and of
//   those started 30+ days before the window's end, the ones still paying 30
//   days in.
// - All of it covers complete months only, so it is computed once per month
//   and currency and kept (community_analytics_months); the nightly job
//   computes it again, so a late refund shows by the next day.
import { Prisma } from "../generated/prisma/client";
import type { TenantTx } from "../db/scopes";

const DAY = 86_400_000;
const monthStart = (d: Date, offset = 0) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1));
const label = (d: Date) => d.toISOString().slice(0, 7);
const num = (v: Prisma.Decimal | string | number | null | undefined) => Number(v ?? 0);

/** Each member's MRR per month from `lookFrom` (a CTE named mm), in one currency. */
function memberMonths(currency: string, lookFrom: Date, to: Date): Prisma.Sql {
  return Prisma.sql`
    pay AS (
      SELECT p.member_id, date_trunc('month', p.processed_at)::date AS first_month,
             CASE WHEN t.interval = 'yearly' THEN 12 ELSE 1 END AS span,
             p.amount - p.tax_amount - p.amount_refunded AS net
        FROM payments p
        JOIN subscriptions s ON s.community_id = p.community_id AND s.id = p.subscription_id AND s.duplicate_of IS NULL
        LEFT JOIN subscription_tiers t ON t.community_id = s.community_id AND (t.id = s.tier_id OR (s.tier_id IS NULL AND t.name = s.tier_name))
       WHERE p.status IN ('succeeded', 'partially_refunded', 'refunded', 'disputed') AND p.currency = ${currency}
         AND p.processed_at >= ${lookFrom} AND p.processed_at < ${to}
    ),
    mm AS (
      SELECT member_id, (first_month + make_interval(months => k))::date AS month, sum(net / span) AS mrr
        FROM pay CROSS JOIN LATERAL generate_series(0, span - 1) AS k
       WHERE net > 0
       GROUP BY 1, 2
    )`;
}

export type Movement = { month: string; mrr: number; new: number; reactivated: number; expansion: number; contraction: number; churned: number };

export async function mrrMovements(tx: TenantTx, currency: string, now: Date, months = 12): Promise<Movement[]> {
  const from = monthStart(now, -months);
  const to = monthStart(now);
  // Yearly payments made up to a year before the first month still count in it.
  const rows = await tx.$queryRaw<{ month: Date; mrr: string; new: string; reactivated: string; expansion: string; contraction: string; churned: string }[]>`
    WITH ${memberMonths(currency, monthStart(from, -12), to)},
    firsts AS (SELECT member_id, min(month) AS first FROM mm GROUP BY 1),
    pairs AS (
      SELECT coalesce(c.member_id, p.member_id) AS member_id,
             coalesce(c.month, (p.month + interval '1 month')::date) AS month,
             coalesce(c.mrr, 0) AS cur, coalesce(p.mrr, 0) AS prev
        FROM mm c FULL JOIN mm p ON p.member_id = c.member_id AND p.month = (c.month - interval '1 month')::date
    )
    SELECT m.month::date AS month,
           coalesce(sum(cur), 0)::numeric(14,2)::text AS mrr,
           coalesce(sum(cur) FILTER (WHERE prev = 0 AND f.first = pr.month), 0)::numeric(14,2)::text AS new,
           coalesce(sum(cur) FILTER (WHERE prev = 0 AND cur > 0 AND f.first < pr.month), 0)::numeric(14,2)::text AS reactivated,
           coalesce(sum(cur - prev) FILTER (WHERE prev > 0 AND cur > prev), 0)::numeric(14,2)::text AS expansion,
           coalesce(sum(prev - cur) FILTER (WHERE cur > 0 AND cur < prev), 0)::numeric(14,2)::text AS contraction,
           coalesce(sum(prev) FILTER (WHERE prev > 0 AND cur = 0), 0)::numeric(14,2)::text AS churned
      FROM generate_series(${from}::date, ${monthStart(now, -1)}::date, interval '1 month') AS m(month)
      LEFT JOIN pairs pr ON pr.month = m.month::date
      LEFT JOIN firsts f ON f.member_id = pr.member_id
     GROUP BY m.month ORDER BY m.month`;
  return rows.map((r) => ({
    month: label(r.month),
    mrr: num(r.mrr),
    new: num(r.new),
    reactivated: num(r.reactivated),
    expansion: num(r.expansion),
    contraction: num(r.contraction),
    churned: num(r.churned),
  }));
}

export type ChurnMonth = { month: string; voluntary: number; involuntary: number };

export async function churnSplit(tx: TenantTx, now: Date, months = 12): Promise<ChurnMonth[]> {
  const from = monthStart(now, -months);
  const rows = await tx.$queryRaw<{ month: Date; voluntary: number; involuntary: number }[]>`
    SELECT m.month::date AS month,
           count(s.id) FILTER (WHERE s.grace_period_ends_at IS NULL)::int AS voluntary,
           count(s.id) FILTER (WHERE s.grace_period_ends_at IS NOT NULL)::int AS involuntary
      FROM generate_series(${from}::date, ${monthStart(now, -1)}::date, interval '1 month') AS m(month)
      LEFT JOIN subscriptions s ON s.status = 'canceled' AND s.duplicate_of IS NULL
                               AND s.canceled_at >= m.month AND s.canceled_at < m.month + interval '1 month'
     GROUP BY m.month ORDER BY m.month`;
  return rows.map((r) => ({ month: label(r.month), voluntary: r.voluntary, involuntary: r.involuntary }));
}

export type Cohort = { cohort: string; size: number; retained: number[] };

export async function cohorts(tx: TenantTx, currency: string, now: Date, months = 12): Promise<Cohort[]> {
  const from = monthStart(now, -months);
  const to = monthStart(now);
  const rows = await tx.$queryRaw<{ cohort: Date; k: number; members: number }[]>`
    WITH ${memberMonths(currency, monthStart(from, -12), to)},
    firsts AS (SELECT member_id, min(month) AS first FROM mm GROUP BY 1)
    SELECT f.first AS cohort,
           ((extract(year FROM m.month) - extract(year FROM f.first)) * 12 + extract(month FROM m.month) - extract(month FROM f.first))::int AS k,
           count(DISTINCT m.member_id)::int AS members
      FROM firsts f JOIN mm m USING (member_id)
     WHERE f.first >= ${from}::date AND m.month < ${to}::date
     GROUP BY 1, 2 ORDER BY 1, 2`;
  const byCohort = new Map<string, Map<number, number>>();
  for (const r of rows) {
    const key = label(r.cohort);
    if (!byCohort.has(key)) byCohort.set(key, new Map());
    byCohort.get(key)!.set(r.k, r.members);
  }
  return [...byCohort].map(([cohort, ks]) => {
    const size = ks.get(0) ?? 0;
    const span = Math.max(...ks.keys());
    return { cohort, size, retained: Array.from({ length: span + 1 }, (_, k) => ks.get(k) ?? 0) };
  });
}

export type Funnel = { visitors: number; checkouts: number; started: number; inServer: number; startedLongAgo: number; stillPaying: number };

/** The funnel over the last `months` complete months. */
export async function funnel(tx: TenantTx, now: Date, months = 3): Promise<Funnel> {
  const since = monthStart(now, -months);
  const until = monthStart(now);
  const monthAgo = new Date(until.getTime() - 30 * DAY);
  const [row] = await tx.$queryRaw<Funnel[]>`
    WITH started AS (
      SELECT DISTINCT ON (s.member_id) s.member_id, s.created_at, s.status, s.canceled_at
        FROM subscriptions s
       WHERE s.created_at >= ${since} AND s.created_at < ${until} AND s.duplicate_of IS NULL AND s.status NOT IN ('incomplete', 'incomplete_expired')
       ORDER BY s.member_id, s.created_at
    )
    SELECT
      (SELECT count(DISTINCT coalesce(session_id, user_id::text, ip_address::text))::int FROM analytics_events
        WHERE event_name = 'community_page_viewed' AND "timestamp" >= ${since} AND "timestamp" < ${until}) AS visitors,
      (SELECT count(DISTINCT coalesce(user_id::text, discord_user_id))::int FROM analytics_events
        WHERE event_name = 'checkout_started' AND "timestamp" >= ${since} AND "timestamp" < ${until}) AS checkouts,
      (SELECT count(*)::int FROM started) AS started,
      (SELECT count(*)::int FROM started st JOIN community_members cm ON cm.id = st.member_id WHERE cm.guild_status = 'joined') AS "inServer",
      (SELECT count(*)::int FROM started WHERE created_at <= ${monthAgo}) AS "startedLongAgo",
      (SELECT count(*)::int FROM started WHERE created_at <= ${monthAgo}
          AND (status IN ('active', 'trialing', 'past_due') OR canceled_at >= created_at + interval '30 days')) AS "stillPaying"`;
  return row!;
}

export type Insights = {
  currency: string;
  movements: Movement[];
  churn: ChurnMonth[];
  cohorts: Cohort[];
  funnel: Funnel;
  /** The last complete month's MRR churn rate. */
  churnRate: number;
  arpu: number | null;
  ltv: number | null;
};

/** ARPU and LTV from the overview's figures in the same currency. */
export function perMember(revenueLast30: number, payingMembers: number, churnRate: number): { arpu: number | null; ltv: number | null } {
  const arpu = payingMembers === 0 ? null : revenueLast30 / payingMembers;
  return { arpu, ltv: arpu === null || churnRate === 0 ? null : arpu / churnRate };
}

type InScope = <T>(fn: (tx: TenantTx) => Promise<T>) => Promise<T>;
type ClosedMonths = { movements: Movement[]; churn: ChurnMonth[]; cohorts: Cohort[]; funnel: Funnel };

const inUtc = <T>(inScope: InScope, fn: (tx: TenantTx) => Promise<T>) =>
  inScope(async (tx) => {
    await tx.$executeRaw`SET LOCAL TIME ZONE 'UTC'`;
    return fn(tx);
  });

/** Computes the closed-month views ending with the last complete month, and keeps them. */
export async function refreshClosedMonths(inScope: InScope, communityId: string, currency: string, now = new Date()): Promise<ClosedMonths> {
  const [movements, churn, cohortRows, funnelRow] = await Promise.all([
    inUtc(inScope, (tx) => mrrMovements(tx, currency, now)),
    inUtc(inScope, (tx) => churnSplit(tx, now)),
    inUtc(inScope, (tx) => cohorts(tx, currency, now)),
    inUtc(inScope, (tx) => funnel(tx, now)),
  ]);
  const payload = { movements, churn, cohorts: cohortRows, funnel: funnelRow };
  const month = monthStart(now, -1);
  await inScope((tx) =>
    tx.communityAnalyticsMonth.upsert({
      where: { communityId_month_currency: { communityId, month, currency } },
      create: { communityId, month, currency, payload },
      update: { payload, computedAt: new Date() },
      select: { id: true },
    }),
  );
  return payload;
}

/** The closed-month views: kept ones when there are, else computed now (the first view of a month). */
async function closedMonths(inScope: InScope, communityId: string, currency: string, now: Date): Promise<ClosedMonths> {
  const kept = await inScope((tx) =>
    tx.communityAnalyticsMonth.findUnique({
      where: { communityId_month_currency: { communityId, month: monthStart(now, -1), currency } },
      select: { payload: true },
    }),
  );
  return kept ? (kept.payload as unknown as ClosedMonths) : refreshClosedMonths(inScope, communityId, currency, now);
}

/** Every analytics view, from the closed months kept (or computed once). */
export async function insights(
  inScope: InScope,
  communityId: string,
  currency: string,
  overviewFigures: { revenueLast30: number; payingMembers: number },
  now = new Date(),
): Promise<Insights> {
  const closed = await closedMonths(inScope, communityId, currency, now);
  const [before, last] = closed.movements.slice(-2);
  const churnRate = before && last && before.mrr > 0 ? last.churned / before.mrr : 0;
  return { currency, ...closed, churnRate, ...perMember(overviewFigures.revenueLast30, overviewFigures.payingMembers, churnRate) };
}
