// Claiming a gift: whoever signs in through its link gets its months of the tier
// (or the pass) as an access grant paid by the gift's payment. The grant is a
// pass in all but who paid: the member's standing, roles, the sweep at its end
// and a full refund of the payment treat it as one (lib/billing/passes.ts,
// member-refresh.ts).
import { refusal } from "../core/errors";
import type { TenantTx } from "../db/scopes";
import { enqueueJob, JOB_KINDS, requestRoleSync } from "../jobs/enqueue";
import { liveSubscriptionOf } from "../billing/checkout";
import { paidAccessTo } from "../billing/grants";
import { refreshMember } from "../billing/member-refresh";
import { hasFreeSeat } from "../billing/seats";
import { enterCommunityLocked } from "../members/membership";
import { recordAudit } from "../audit/record";
import { GIFT_GRANT_NOTE, giftEnds, giftLengthOf, type GiftLength } from "./offer";
import { VOIDED_OR_DISPUTED_STATUSES } from "../billing/payment-records";

export const GIFT_ERRORS = {
  unknown: "This gift link isn't valid. Check that you copied all of it.",
  claimed: "This gift has already been claimed.",
  refunded: "This gift was refunded, so it can't be claimed.",
  subscribed: "You already pay for a membership here, so the gift would run alongside it unused. Pass the link on to a friend instead.",
  lifetime: "You already have lifetime access to this tier. Pass the link on to a friend instead.",
  soldOut: "This tier is full right now. The gift stays yours to claim once a place frees up.",
} as const;

export type GiftView = {
  id: string;
  length: GiftLength;
  message: string | null;
  tierName: string;
  from: string | null;
  claimedAt: Date | null;
  claimedByUserId: string | null;
  void: boolean;
  /** The claimed months' end, for the one who claimed them (null once claimed: for life). */
  until: Date | null;
};

/** The gift behind a link, for its page; null for a code that names none in this community. */
export async function giftForCode(tx: TenantTx, code: string): Promise<GiftView | null> {
  const gift = await tx.gift.findFirst({
    where: { code },
    select: {
      id: true,
      months: true,
      accessDays: true,
      message: true,
      claimedAt: true,
      grantId: true,
      tier: { select: { name: true } },
      payment: { select: { status: true } },
      buyer: { select: { erasedAt: true, user: { select: { globalName: true, username: true } } } },
      claimedBy: { select: { userId: true } },
    },
  });
  if (!gift) return null;
  const grant = gift.grantId ? await tx.accessGrant.findFirst({ where: { id: gift.grantId }, select: { until: true } }) : null;
  return {
    id: gift.id,
    length: giftLengthOf(gift),
    message: gift.message,
    tierName: gift.tier.name,
    from: gift.buyer && !gift.buyer.erasedAt ? (gift.buyer.user.globalName ?? gift.buyer.user.username) : null,
    claimedAt: gift.claimedAt,
    claimedByUserId: gift.claimedBy?.userId ?? null,
    void: VOIDED_OR_DISPUTED_STATUSES.includes(gift.payment.status),
    until: grant?.until ?? null,
  };
}

/**
 * Claims the gift for this person: their membership (made if need be), a grant
 * of the months (or the pass's days, or for life) from today, or from the end of
 * the same tier's pass or gift they hold now, and their roles. Serialised on the
 * gift's row: one claim wins.
 */
export async function claimGift(
  tx: TenantTx,
  communityId: string,
  code: string,
  person: { userId: string; discordUserId: string },
  now: Date,
): Promise<{ tierName: string; until: Date | null }> {
  // The claimant's lock first, as every change to a member's standing takes it; then the
  // gift's row, which serialises two claims of one gift (one wins, the other finds it claimed).
  const member = await enterCommunityLocked(tx, communityId, person);
  const [gift] = await tx.$queryRaw<
    { id: string; tierId: string; months: number | null; accessDays: number | null; paymentId: string; claimedAt: Date | null; paymentStatus: string }[]
  >`
    SELECT g.id, g.tier_id AS "tierId", g.months, g.access_days AS "accessDays", g.payment_id AS "paymentId", g.claimed_at AS "claimedAt", p.status AS "paymentStatus"
      FROM gifts g JOIN payments p ON p.community_id = g.community_id AND p.id = g.payment_id
     WHERE g.code = ${code}
       FOR UPDATE OF g`;
  if (!gift) throw refusal(GIFT_ERRORS, "unknown");
  if (gift.claimedAt) throw refusal(GIFT_ERRORS, "claimed");
  if (VOIDED_OR_DISPUTED_STATUSES.includes(gift.paymentStatus)) throw refusal(GIFT_ERRORS, "refunded");
  if (await liveSubscriptionOf(tx, member.id)) throw refusal(GIFT_ERRORS, "subscribed");
  const tier = await tx.subscriptionTier.findFirstOrThrow({ where: { id: gift.tierId }, select: { id: true, name: true, maxMembers: true } });

  // Months already held of the same tier (a pass, an earlier gift): the new ones follow them, in the seat they hold.
  const held = await paidAccessTo(tx, member.id, tier.id, now);
  if (held && held.until === null) throw refusal(GIFT_ERRORS, "lifetime");
  if (!held && !(await hasFreeSeat(tx, tier))) throw refusal(GIFT_ERRORS, "soldOut");
  const length = giftLengthOf(gift);
  const until = giftEnds(held?.until ?? now, length);

  const grant = await tx.accessGrant.create({
    data: { communityId, memberId: member.id, tierId: tier.id, kind: "pass", until, paymentId: gift.paymentId, note: GIFT_GRANT_NOTE },
    select: { id: true },
  });
  await tx.gift.update({
    where: { communityId_id: { communityId, id: gift.id } },
    data: { claimedByMemberId: member.id, claimedAt: now, grantId: grant.id },
    select: { id: true },
  });
  await refreshMember(tx, member.id, now, { locked: true });
  await requestRoleSync(tx, communityId, member.id, `gift of ${tier.name}`);
  await enqueueJob(tx, JOB_KINDS.newPaidMember, { communityId, memberId: member.id, tier: tier.name });
  await recordAudit(tx, communityId, person.userId, {
    action: "gift.claimed",
    objectType: "member",
    objectId: member.id,
    details: { gift_id: gift.id, tier: tier.name, ...length, until: until?.toISOString() ?? null },
  });
  return { tierName: tier.name, until };
}
