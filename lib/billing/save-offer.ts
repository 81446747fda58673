// The save offer: a member about to cancel may take the community's discount
// instead (a coupon made on the connected account for them, applied to their
// subscription), once per member. The claim is written before Stripe is asked,
// so two clicks cannot both win; a Stripe failure releases it.
import type Stripe from "stripe";
import { refusal } from "../core/errors";
import { recordAudit } from "../audit/record";
import { readSettings } from "../communities/validation";
import { db } from "../db/client";
import { withCommunity } from "../db/scopes";
import { onStripe, ownSubscription } from "./portal";
import { stripe } from "./stripe";

export const SAVE_OFFER_ERRORS = {
  none: "This community has no offer to make.",
  used: "You've already used this community's offer.",
} as const;

export type SaveOffer = { percent: number; months: number };

/** The community's offer, if it makes one. */
export function saveOfferOf(settings: unknown): SaveOffer | null {
  const { saveOfferPercent, saveOfferMonths } = readSettings(settings);
  return saveOfferPercent > 0 ? { percent: saveOfferPercent, months: saveOfferMonths } : null;
}

export async function acceptSaveOffer(userId: string, subscriptionId: string, client: Stripe = stripe()): Promise<SaveOffer> {
  const sub = await ownSubscription(userId, subscriptionId);
  const community = await db.community.findUniqueOrThrow({ where: { id: sub.communityId }, select: { settings: true } });
  const offer = saveOfferOf(community.settings);
  if (!offer) throw refusal(SAVE_OFFER_ERRORS, "none");
  const claimed = await withCommunity(sub.communityId, (tx) =>
    tx.communityMember.updateMany({ where: { id: sub.memberId, saveOfferRedeemedAt: null }, data: { saveOfferRedeemedAt: new Date() } }),
  );
  if (claimed.count === 0) throw refusal(SAVE_OFFER_ERRORS, "used");
  try {
    const coupon = await onStripe(() =>
      client.coupons.create(
        {
          percent_off: offer.percent,
          duration: "repeating",
          duration_in_months: offer.months,
          max_redemptions: 1,
          name: `Stay offer: ${offer.percent}% off`,
          metadata: { member_id: sub.memberId },
        },
        { stripeAccount: sub.stripeAccount, idempotencyKey: `save-offer:${sub.memberId}` },
      ),
    );
    // Taking the offer is staying: a cancellation already asked for is withdrawn.
    await onStripe(() =>
      client.subscriptions.update(
        sub.stripeSubscriptionId,
        { discounts: [{ coupon: coupon.id }], cancel_at_period_end: false },
        { stripeAccount: sub.stripeAccount },
      ),
    );
  } catch (error) {
    await withCommunity(sub.communityId, (tx) => tx.communityMember.updateMany({ where: { id: sub.memberId }, data: { saveOfferRedeemedAt: null } }));
    throw error;
  }
  await withCommunity(sub.communityId, (tx) =>
    recordAudit(tx, sub.communityId, userId, {
      action: "membership.save_offer_accepted",
      objectType: "subscription",
      objectId: sub.id,
      details: { percent: offer.percent, months: offer.months },
    }),
  );
  return offer;
}
