import Stripe from "stripe";
import { ActionError, refusal } from "../core/errors";
import type { Actor, CommunityRef } from "../core/actors";
import { db } from "../db/client";
import { rowKey } from "../db/scopes";
import { enterCommunity } from "../members/membership";
import { CHECKOUT_ERRORS, memberCustomer, type InScope } from "../billing/checkout";
import { applicationFeeAmount } from "../billing/plans";
import { hasFreeSeat } from "../billing/seats";
import { readSettings } from "../communities/validation";
import { onSaleAtStripe, sellableTierSelect } from "../tiers/on-sale";
import { STRIPE_MAX_MINOR_UNITS } from "../billing/money";
import { describeGiftLength, giftCharge, giftLengthMetadata, pickGiftLength, readGiftsOn, type GiftInput } from "./offer";

export const GIFT_CHECKOUT_ERRORS = {
  off: "This community doesn't sell gift memberships.",
  length: "Pick one of the lengths offered for this tier.",
  tooDear: "That gift is more than Stripe takes in one payment. Pick a shorter one.",
} as const;

/**
 * Starts a Stripe Checkout (payment mode) for a gift: the tier's price for each
 * period of the length picked (a pass tier's: its pass, once), in the currency
 * picked. As with any checkout, only ids come from the client and nothing is
 * made on the redirect: the gift and its link follow checkout.session.completed
 * (lib/gifts/purchase.ts).
 */
export async function startGiftCheckout(
  input: GiftInput,
  ctx: { actor: Actor; community: CommunityRef; inScope: InScope; origin: string },
  client: Stripe,
): Promise<{ url: string }> {
  const { actor, community, inScope, origin } = ctx;
  const settings = await db.community.findUniqueOrThrow({
    where: { id: community.id },
    select: { status: true, stripeChargesEnabled: true, stripeAccountId: true, settings: true },
  });
  if (!readGiftsOn(settings.settings)) throw refusal(GIFT_CHECKOUT_ERRORS, "off");
  if (settings.status !== "active") throw refusal(CHECKOUT_ERRORS, "closed");
  if (!settings.stripeChargesEnabled || !settings.stripeAccountId) throw refusal(CHECKOUT_ERRORS, "paymentsOff");
  const stripeAccount = settings.stripeAccountId;
  const { taxMode } = readSettings(settings.settings);

  const { tier, member } = await inScope(async (tx) => {
    const tier = await tx.subscriptionTier.findUnique({
      where: rowKey(input.tierId),
      select: sellableTierSelect,
    });
    if (!tier || !onSaleAtStripe(tier)) throw refusal(CHECKOUT_ERRORS, "unknownTier");
    // A gift is claimed into a seat: a full tier sells none.
    if (!(await hasFreeSeat(tx, tier))) throw refusal(CHECKOUT_ERRORS, "soldOut");
    // The buyer's payment is theirs: buying makes them a member, as subscribing does.
    const member = await enterCommunity(tx, community.id, { userId: actor.id, discordUserId: actor.discordId });
    return { tier, member };
  });
  const currency = input.currency ?? tier.currency;
  const length = pickGiftLength(tier, input.months);
  if (!length) throw refusal(GIFT_CHECKOUT_ERRORS, "length");
  const charge = giftCharge(tier, currency, length);
  if (!charge) throw refusal(CHECKOUT_ERRORS, "currency");
  // A long gift of a dear tier can pass Stripe's largest charge.
  if (charge.totalMinor > STRIPE_MAX_MINOR_UNITS) throw refusal(GIFT_CHECKOUT_ERRORS, "tooDear");

  const metadata = {
    community_id: community.id,
    member_id: member.id,
    tier_id: tier.id,
    kind: "gift",
    // The length is fixed now: a pass tier's days may change before the gift is claimed.
    ...giftLengthMetadata(length),
    ...(input.message ? { gift_message: input.message } : {}),
  };
  const customerId = await memberCustomer(client, stripeAccount, { member, actor, metadata, inScope });
  // A pass whose buyer names the price is sold through its own Stripe Price, whose Checkout asks
  // for the amount (at least its minimum, in the currency picked); any other gift as an ad-hoc
  // one-time price: one period of the tier (or the pass), times the periods given.
  const chosenPrice = tier.payWhatYouWant; // only a pass has one
  const lineItem = chosenPrice
    ? { price: tier.stripePriceId!, quantity: 1 }
    : {
        price_data: {
          currency: currency.toLowerCase(),
          unit_amount: charge.unitMinor,
          product_data: {
            name: `Gift: ${tier.name}, ${"months" in length ? (tier.interval === "yearly" ? "1 year" : "1 month") : describeGiftLength(length).toLowerCase()}`,
          },
          ...(taxMode !== "off" ? { tax_behavior: taxMode } : {}),
        },
        quantity: charge.quantity,
      };
  const session = await client.checkout.sessions.create(
    {
      mode: "payment",
      customer: customerId,
      client_reference_id: member.id,
      line_items: [lineItem],
      ...(chosenPrice && currency !== tier.currency ? { currency: currency.toLowerCase() } : {}),
      // The fee on the price (a chosen price's minimum), as for a pass.
      payment_intent_data: { metadata, application_fee_amount: applicationFeeAmount(charge.totalMinor, currency, community.subscriptionTier) },
      metadata,
      ...(taxMode !== "off" ? { automatic_tax: { enabled: true, liability: { type: "self" as const } }, customer_update: { address: "auto" as const } } : {}),
      success_url: `${origin}/portal?gift={CHECKOUT_SESSION_ID}`,
      cancel_url: `${origin}/c/${community.slug}?checkout=canceled`,
    },
    { stripeAccount },
  );
  if (!session.url) throw new ActionError("Stripe returned a Checkout Session without a URL");
  return { url: session.url };
}
