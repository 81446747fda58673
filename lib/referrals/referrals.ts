// Who referred whom, what referrers earned (derived from the referred members'
// payments, net of refunds, under the terms kept on each referred member), and
// what the owner has paid them. Everything runs in the community's scope.
import { z } from "zod";
import { Prisma } from "../generated/prisma/client";
import { lockMember } from "../billing/member-refresh";
import { FULL_ACCESS } from "../billing/member-standing";
import { ActionError } from "../core/errors";
import { type TenantTx, rowKey } from "../db/scopes";
import { referralCodeSchema, type ReferralProgram } from "./program";
import { currencyCode, positiveAmount } from "../billing/amount-input";

/** Payments that earn a commission: paid, net of any refund (a refunded one nets to nothing; a disputed one is not counted). */
const EARNING_STATUSES = ["succeeded", "partially_refunded"];

/** The member a share code belongs to, if they may refer this buyer (not themselves, not erased). */
export async function referrerForCode(tx: TenantTx, code: string, buyerMemberId: string): Promise<string | null> {
  const parsed = referralCodeSchema.safeParse(code);
  if (!parsed.success) return null;
  const referrer = await tx.communityMember.findFirst({ where: { referralCode: parsed.data, erasedAt: null }, select: { id: true } });
  return referrer && referrer.id !== buyerMemberId ? referrer.id : null;
}

/** Who shared a visitor's link, for the community page ("Bob invited you"): their name, and their user (the link's owner is not invited by it). */
export async function inviterForCode(tx: TenantTx, code: string): Promise<{ name: string; userId: string } | null> {
  const parsed = referralCodeSchema.safeParse(code);
  if (!parsed.success) return null;
  const member = await tx.communityMember.findFirst({
    where: { referralCode: parsed.data, erasedAt: null, isActive: true },
    select: { userId: true, user: { select: { username: true, globalName: true } } },
  });
  return member ? { name: member.user.globalName ?? member.user.username, userId: member.userId } : null;
}

/**
 * Records that a member joined through a referrer's link, with the terms then in
 * force. Once: the first referrer keeps them. A referrer not in this community is
 * not found in its scope and ignored.
 */
export async function recordReferral(tx: TenantTx, memberId: string, referrerId: string, terms: ReferralProgram, startedAt: Date) {
  if (memberId === referrerId) return;
  await lockMember(tx, memberId);
  if (!(await tx.communityMember.findUnique({ where: rowKey(referrerId), select: { id: true } }))) return;
  await tx.communityMember.updateMany({
    where: { id: memberId, referredByMemberId: null },
    data: { referredByMemberId: referrerId, referredAt: startedAt, referralPercent: terms.percent, referralMonths: terms.months },
  });
}

export type AffiliateAmount = { currency: string; earned: string; paidOut: string; owed: string };
export type Affiliate = { memberId: string; name: string; referred: number; active: number; amounts: AffiliateAmount[] };

export const REFERRERS_PER_PAGE = 25;

/**
 * One page of the community's referrers, those who brought the most first, with
 * how many there are and whether there are more.
 */
export async function affiliatesPage(tx: TenantTx, page: number): Promise<{ referrers: Affiliate[]; total: number; more: boolean }> {
  const rows = await affiliates(tx, { offset: (page - 1) * REFERRERS_PER_PAGE, limit: REFERRERS_PER_PAGE + 1 });
  const [{ total }] = await tx.$queryRaw<[{ total: number }]>`
    SELECT count(DISTINCT referred_by_member_id)::int AS total FROM community_members WHERE referred_by_member_id IS NOT NULL`;
  return { referrers: rows.slice(0, REFERRERS_PER_PAGE), total, more: rows.length > REFERRERS_PER_PAGE };
}

/** One referrer's figures (none: they have referred no one). */
export async function affiliate(tx: TenantTx, memberId: string): Promise<Affiliate | undefined> {
  const [one] = await affiliates(tx, { only: memberId, offset: 0, limit: 1 });
  return one;
}

/**
 * Referrers (or one), with how many members they brought, how many of those
 * have access now, and per currency what they earned, were paid and are owed.
 * A commission is rounded to the cent per payment; only payments made within
 * the months the buyer was referred for count.
 */
async function affiliates(tx: TenantTx, { only, offset, limit }: { only?: string; offset: number; limit: number }): Promise<Affiliate[]> {
  const one = only ? Prisma.sql`AND m.referred_by_member_id = ${only}::uuid` : Prisma.empty;
  const referrers = await tx.$queryRaw<{ memberId: string; name: string; referred: number; active: number }[]>`
    SELECT r.id::text AS "memberId", coalesce(u.global_name, u.username) AS name,
           count(*)::int AS referred, count(*) FILTER (WHERE m.subscription_status = ANY(${FULL_ACCESS}))::int AS active
      FROM community_members m
      JOIN community_members r ON r.community_id = m.community_id AND r.id = m.referred_by_member_id
      JOIN users u ON u.id = r.user_id
     WHERE m.referred_by_member_id IS NOT NULL ${one}
     GROUP BY r.id, u.global_name, u.username
     ORDER BY referred DESC, name, r.id
     LIMIT ${limit} OFFSET ${offset}`;
  if (referrers.length === 0) return [];
  const ids = referrers.map((r) => r.memberId);
  const earned = await tx.$queryRaw<{ memberId: string; currency: string; amount: string }[]>`
    SELECT m.referred_by_member_id::text AS "memberId", p.currency,
           sum(round((p.amount - p.amount_refunded) * m.referral_percent / 100.0, 2))::text AS amount
      FROM community_members m
      JOIN payments p ON p.community_id = m.community_id AND p.member_id = m.id
     WHERE m.referred_by_member_id = ANY(${ids}::uuid[]) AND p.status = ANY(${EARNING_STATUSES})
       AND p.created_at >= m.referred_at AND p.created_at < m.referred_at + make_interval(months => m.referral_months)
     GROUP BY 1, 2`;
  const paid = await tx.$queryRaw<{ memberId: string; currency: string; amount: string }[]>`
    SELECT referrer_member_id::text AS "memberId", currency, sum(amount)::text AS amount
      FROM affiliate_payouts WHERE referrer_member_id = ANY(${ids}::uuid[]) GROUP BY 1, 2`;
  return referrers.map((r) => {
    const currencies = new Set([...earned, ...paid].filter((row) => row.memberId === r.memberId).map((row) => row.currency));
    const sumOf = (rows: typeof earned, currency: string) =>
      new Prisma.Decimal(rows.find((row) => row.memberId === r.memberId && row.currency === currency)?.amount ?? 0);
    const amounts = [...currencies].sort().map((currency) => {
      const e = sumOf(earned, currency);
      const p = sumOf(paid, currency);
      return { currency, earned: e.toFixed(2), paidOut: p.toFixed(2), owed: e.minus(p).toFixed(2) };
    });
    return { ...r, amounts };
  });
}

export const payoutInputSchema = z.object({
  memberId: z.uuid("unknown referrer"),
  amount: positiveAmount("12.50"),
  currency: currencyCode,
  note: z.string().trim().max(200, "must be at most 200 characters").optional().default(""),
});

/** Records what the owner paid a referrer (outside CommunityOS); never more than they are owed in that currency. */
export async function recordPayout(tx: TenantTx, communityId: string, input: z.output<typeof payoutInputSchema>, createdBy: string) {
  // Two payouts recorded at once must not both fit under what is owed.
  await lockMember(tx, input.memberId);
  const referrer = await affiliate(tx, input.memberId);
  const owed = new Prisma.Decimal(referrer?.amounts.find((a) => a.currency === input.currency)?.owed ?? 0);
  if (owed.lessThan(input.amount))
    throw new ActionError(`That's more than the ${owed.toFixed(2)} ${input.currency} owed.`, { amount: [`must be at most ${owed.toFixed(2)}`] });
  await tx.affiliatePayout.create({
    data: { communityId, referrerMemberId: input.memberId, amount: input.amount, currency: input.currency, note: input.note || null, createdBy },
  });
  return { name: referrer!.name, amount: input.amount, currency: input.currency };
}
