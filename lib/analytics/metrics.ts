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

export async function overview(tx: TenantTx, now = new Date()): Promise<Overview> {
  const monthStart = startOfMonth(now);
  const since30 = new Date(now.getTime() - 30 * 86_400_000);
  const chartStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 11, 1));

  const mrr = await tx.$queryRaw<{ currency: string; amount: Prisma.Decimal }[]>`
    SELECT t.currency, sum(CASE WHEN t.interval = 'yearly' THEN t.price / 12 ELSE t.price END)::numeric(12,2) AS amount
      FROM subscriptions s
      JOIN subscription_tiers t ON t.community_id = s.community_id AND (t.id = s.tier_id OR (s.tier_id IS NULL AND t.name = s.tier_name))
      JOIN community_members m ON m.community_id = s.community_id AND m.id = s.member_id
     WHERE s.status IN ('active', 'past_due') AND m.subscription_status IN ('active', 'past_due')
     GROUP BY t.currency ORDER BY amount DESC`;
  const [members] = await tx.$queryRaw<{ paying: number; joined: number }[]>`
    SELECT count(*) FILTER (WHERE subscription_status IN ('active', 'past_due'))::int AS paying,
           count(*) FILTER (WHERE joined_at >= ${monthStart})::int AS joined
      FROM community_members`;
  const [churn] = await tx.$queryRaw<{ churned: number }[]>`
    SELECT count(DISTINCT member_id)::int AS churned FROM subscriptions WHERE status = 'canceled' AND canceled_at >= ${monthStart}`;
  const revenue = await tx.$queryRaw<{ currency: string; amount: Prisma.Decimal }[]>`
    SELECT currency, sum(amount - amount_refunded) AS amount FROM payments
     WHERE processed_at >= ${since30} AND status IN ('succeeded', 'partially_refunded', 'refunded', 'disputed')
     GROUP BY currency ORDER BY amount DESC`;
  const [attention] = await tx.$queryRaw<{ failed: number; disputed: number }[]>`
    SELECT (SELECT count(*)::int FROM payments p JOIN community_members m ON m.community_id = p.community_id AND m.id = p.member_id
             WHERE p.status = 'failed' AND p.created_at >= ${new Date(now.getTime() - 60 * 86_400_000)}
               AND m.subscription_status IN ('past_due', 'unpaid')) AS failed,
           (SELECT count(*)::int FROM payments WHERE status = 'disputed') AS disputed`;
  const driftOpen = await tx.discordRoleDrift.count({ where: { resolvedAt: null } });
  const currency = mrr[0]?.currency ?? revenue[0]?.currency ?? "USD";
  const byMonth = await tx.$queryRaw<{ month: Date; amount: Prisma.Decimal }[]>`
    SELECT m.month, coalesce(sum(p.amount - p.amount_refunded), 0) AS amount
      FROM generate_series(${chartStart}::timestamptz, ${monthStart}::timestamptz, interval '1 month') AS m(month)
      LEFT JOIN payments p ON p.processed_at >= m.month AND p.processed_at < m.month + interval '1 month'
                          AND p.processed_at >= ${chartStart} AND p.currency = ${currency}
                          AND p.status IN ('succeeded', 'partially_refunded', 'refunded', 'disputed')
     GROUP BY m.month ORDER BY m.month`;
  const growth = await tx.$queryRaw<{ month: Date; members: number; paying: number }[]>`
    SELECT m.month,
           (SELECT count(*)::int FROM community_members c WHERE c.joined_at < m.month + interval '1 month') AS members,
           (SELECT count(DISTINCT s.member_id)::int FROM subscriptions s
             WHERE s.status NOT IN ('incomplete', 'incomplete_expired', 'trialing') AND coalesce(s.trial_end, s.created_at) < m.month + interval '1 month'
               AND (s.canceled_at IS NULL OR s.canceled_at >= m.month + interval '1 month')) AS paying
      FROM generate_series(${chartStart}::timestamptz, ${monthStart}::timestamptz, interval '1 month') AS m(month)
     ORDER BY m.month`;

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
