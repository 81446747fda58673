// checkout.session.completed for a gift: the buyer's payment and the gift with
// its link, once per Checkout Session. Nothing is granted yet: the months (or
// the pass) are the recipient's when they claim them (lib/gifts/claim.ts).
import { z } from "zod";
import { rowKey, type TenantTx } from "../db/scopes";
import { WebhookRejection } from "../billing/errors";
import { lockMember, refreshMember } from "../billing/member-refresh";
import { recordPaymentEvent, recordSessionPayment } from "../billing/passes";
import type { StripeCheckoutSession } from "../billing/stripe-objects";
import type { SyncContext } from "../billing/subscription-sync";
import { describeGiftLength, giftLengthFromMetadata, giftLengthMetadata } from "./offer";

const giftMetadata = z.object({
  community_id: z.uuid(),
  member_id: z.uuid().transform((id) => id.toLowerCase()),
  tier_id: z.uuid().transform((id) => id.toLowerCase()),
  gift_message: z.string().max(200).optional(),
});

/** Whether a paid Checkout Session is one of our gifts (else it is a pass). */
export const isGiftSession = (session: StripeCheckoutSession) => session.metadata.kind === "gift";

export async function recordGiftPurchase(tx: TenantTx, ctx: SyncContext, session: StripeCheckoutSession): Promise<"processed"> {
  const parsed = giftMetadata.safeParse(session.metadata);
  const length = giftLengthFromMetadata(session.metadata);
  if (!parsed.success || !length) throw new WebhookRejection(`checkout session ${session.id} has no gift in its metadata`);
  const { community_id: communityId, member_id: memberId, tier_id: tierId, gift_message: message } = parsed.data;
  if (communityId !== ctx.communityId) throw new WebhookRejection(`checkout session ${session.id} names another community`);
  // Serialised with the buyer's other payments; a second delivery finds the gift.
  await lockMember(tx, memberId);
  if (await tx.gift.findUnique({ where: { communityId_stripeCheckoutSessionId: { communityId, stripeCheckoutSessionId: session.id } }, select: { id: true } }))
    return "processed";
  // Both read in the community's scope: another community's member or tier is not found.
  const member = await tx.communityMember.findUnique({ where: rowKey(memberId), select: { id: true, userId: true, discordUserId: true } });
  const tier = await tx.subscriptionTier.findUnique({ where: rowKey(tierId), select: { id: true, name: true } });
  if (!member || !tier) throw new WebhookRejection(`checkout session ${session.id}: no such member or tier in this community`);

  const described = describeGiftLength(length);
  const { payment, amount, currency, paidAt } = await recordSessionPayment(tx, ctx, session, {
    memberId: member.id,
    description: `${tier.name} (gift, ${described.toLowerCase()})`,
    kind: "gift",
  });
  await tx.gift.create({
    data: {
      communityId,
      tierId: tier.id,
      ...("months" in length ? { months: length.months } : { months: null, accessDays: length.passDays }),
      buyerMemberId: member.id,
      paymentId: payment.id,
      stripeCheckoutSessionId: session.id,
      message: message?.trim() || null,
    },
    select: { id: true },
  });
  // The buyer's total spent; their own access is unchanged.
  await refreshMember(tx, member.id, ctx.now, { locked: true });
  await recordPaymentEvent(tx, ctx, {
    member,
    paymentId: payment.id,
    amount,
    currency,
    at: paidAt,
    properties: { gift: tier.name, ...giftLengthMetadata(length) },
  });
  return "processed";
}
