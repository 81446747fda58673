import type Stripe from "stripe";
import { refusal } from "../core/errors";
import { db } from "../db/client";
import { withCommunity, withUser, rowKey } from "../db/scopes";
import { fromMinorUnits } from "./money";
import { hasFreeSeat } from "./seats";
import { tierPriceIn } from "../tiers/prices";
import { onSaleAtStripe, sellableTierSelect } from "../tiers/on-sale";
import type { CancellationReason } from "./cancellation-reasons";
import { isMissingAtStripe, stripe } from "./stripe";

export const PORTAL_ERRORS = {
  notFound: "We couldn't find that membership.",
  unknownTier: "That tier isn't available to switch to.",
  otherCurrency: "That tier isn't sold in the currency you pay in. Cancel and subscribe to it from the community's page instead.",
  sameTier: "You're already on that tier.",
  soldOut: "That tier is sold out. You keep your current tier.",
  unknownToStripe: "Stripe doesn't know this subscription (demo data, or it was removed). Nothing was changed.",
} as const;

/**
 * The actor's own subscription, proven through the user scope (RLS shows a
 * member only their own rows), with what Stripe needs to act on it.
 */
export async function ownSubscription(userId: string, subscriptionId: string) {
  const subscription = await withUser(userId, (tx) =>
    tx.subscription.findFirst({
      where: { id: subscriptionId },
      select: {
        id: true,
        communityId: true,
        memberId: true,
        stripeSubscriptionId: true,
        stripeCustomerId: true,
        tierName: true,
        currency: true,
        status: true,
        cancelAtPeriodEnd: true,
        collectionPaused: true,
      },
    }),
  );
  if (!subscription?.stripeSubscriptionId) throw refusal(PORTAL_ERRORS, "notFound");
  const community = await db.community.findUniqueOrThrow({ where: { id: subscription.communityId }, select: { stripeAccountId: true } });
  if (!community.stripeAccountId) throw refusal(PORTAL_ERRORS, "notFound");
  return { ...subscription, stripeSubscriptionId: subscription.stripeSubscriptionId, stripeAccount: community.stripeAccountId };
}

/** Stripe's "no such object" becomes a clear message; anything else stays an error. */
export async function onStripe<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isMissingAtStripe(error)) throw refusal(PORTAL_ERRORS, "unknownToStripe");
    throw error;
  }
}

export async function billingPortalUrl(userId: string, subscriptionId: string, returnUrl: string, client: Stripe = stripe()) {
  const sub = await ownSubscription(userId, subscriptionId);
  const session = await onStripe(() =>
    client.billingPortal.sessions.create({ customer: sub.stripeCustomerId, return_url: returnUrl }, { stripeAccount: sub.stripeAccount }),
  );
  return { url: session.url };
}

/**
 * Asks Stripe to end (or keep) the subscription at the period's end, with the
 * member's reason kept where Stripe keeps it; our row follows the webhook.
 */
export async function setCancelAtPeriodEnd(
  userId: string,
  subscriptionId: string,
  cancel: boolean,
  client: Stripe = stripe(),
  why: { reason?: CancellationReason | null; comment?: string | null } = {},
) {
  const sub = await ownSubscription(userId, subscriptionId);
  // Resuming clears the reason given before (Stripe unsets a field sent empty).
  const details = cancel ? { feedback: why.reason ?? "", comment: why.comment ?? "" } : { feedback: "" as const, comment: "" };
  const updated = await onStripe(() =>
    client.subscriptions.update(
      sub.stripeSubscriptionId,
      { cancel_at_period_end: cancel, cancellation_details: details as Stripe.SubscriptionUpdateParams.CancellationDetails },
      { stripeAccount: sub.stripeAccount },
    ),
  );
  const periodEnd = updated.items.data[0]?.current_period_end;
  return { cancelAtPeriodEnd: updated.cancel_at_period_end, endsAt: periodEnd ? new Date(periodEnd * 1000).toISOString() : null };
}

/** Whether a subscription may move to the tier: one on sale, recurring (a pass is bought on the community's page). */
export const switchableTier = (tier: Parameters<typeof onSaleAtStripe>[0] & { interval: string }) => onSaleAtStripe(tier) && tier.interval !== "once";

/**
 * The tier to switch to, under the same rules as checkout: a tier at its cap takes
 * nobody new, and it must be sold in the currency the subscription is billed in.
 */
async function switchTarget(sub: { communityId: string; tierName: string; currency: string | null }, tierId: string) {
  const tier = await withCommunity(sub.communityId, async (tx) => {
    const found = await tx.subscriptionTier.findUnique({
      where: rowKey(tierId),
      select: sellableTierSelect,
    });
    return found ? { ...found, seatFree: await hasFreeSeat(tx, found) } : null;
  });
  if (!tier || !switchableTier(tier)) throw refusal(PORTAL_ERRORS, "unknownTier");
  if (tier.name === sub.tierName) throw refusal(PORTAL_ERRORS, "sameTier");
  if (sub.currency && tierPriceIn(tier, sub.currency) === null) throw refusal(PORTAL_ERRORS, "otherCurrency");
  if (!tier.seatFree) throw refusal(PORTAL_ERRORS, "soldOut");
  return { ...tier, stripePriceId: tier.stripePriceId! };
}

async function currentItem(client: Stripe, sub: { stripeSubscriptionId: string; stripeAccount: string }) {
  const live = await onStripe(() => client.subscriptions.retrieve(sub.stripeSubscriptionId, {}, { stripeAccount: sub.stripeAccount }));
  const item = live.items.data[0];
  if (!item) throw refusal(PORTAL_ERRORS, "unknownToStripe");
  return item;
}

/** What switching would cost now, as Stripe prorates it, before the member confirms. */
export async function previewTierSwitch(userId: string, subscriptionId: string, tierId: string, client: Stripe = stripe()) {
  const sub = await ownSubscription(userId, subscriptionId);
  const tier = await switchTarget(sub, tierId);
  const item = await currentItem(client, sub);
  const preview = await onStripe(() =>
    client.invoices.createPreview(
      {
        customer: sub.stripeCustomerId,
        subscription: sub.stripeSubscriptionId,
        subscription_details: { items: [{ id: item.id, price: tier.stripePriceId }], proration_behavior: "create_prorations" },
      },
      { stripeAccount: sub.stripeAccount },
    ),
  );
  return {
    tierId: tier.id,
    tierName: tier.name,
    currency: preview.currency.toUpperCase(),
    amountDue: fromMinorUnits(preview.amount_due, preview.currency),
    lines: preview.lines.data.map((line) => ({ description: line.description ?? "", amount: fromMinorUnits(line.amount, preview.currency) })),
  };
}

export async function switchTier(userId: string, subscriptionId: string, tierId: string, client: Stripe = stripe()) {
  const sub = await ownSubscription(userId, subscriptionId);
  const tier = await switchTarget(sub, tierId);
  const item = await currentItem(client, sub);
  await onStripe(() =>
    client.subscriptions.update(
      sub.stripeSubscriptionId,
      { items: [{ id: item.id, price: tier.stripePriceId }], proration_behavior: "create_prorations" },
      // No idempotency key: the update is idempotent, and a replayed key would skip A -> B -> A -> B.
      { stripeAccount: sub.stripeAccount },
    ),
  );
  return { tierName: tier.name };
}
