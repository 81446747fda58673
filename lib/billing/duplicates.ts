// A member holds one live subscription per community. When two checkouts race
// and both are paid, the webhook marks the later one as a duplicate (it never
// gives access); this job ends it at Stripe and gives the money back. Stripe is
// asked for the truth each time, so a retried job never refunds twice.
import type Stripe from "stripe";
import { db } from "../db/client";
import { withCommunity, rowKey } from "../db/scopes";
import { isMissingAtStripe, stripe } from "./stripe";

export type DuplicateOutcome = { canceled: boolean; refunded: string[] } | { skipped: string };

const ENDED = new Set(["canceled", "incomplete_expired"]);

export async function cancelDuplicateSubscription(communityId: string, subscriptionId: string, client: Stripe = stripe()): Promise<DuplicateOutcome> {
  const community = await db.community.findUniqueOrThrow({ where: { id: communityId }, select: { stripeAccountId: true } });
  const row = await withCommunity(communityId, (tx) =>
    tx.subscription.findUnique({ where: rowKey(subscriptionId), select: { stripeSubscriptionId: true, duplicateOf: true } }),
  );
  if (!row?.duplicateOf) return { skipped: "not a duplicate" };
  if (!row.stripeSubscriptionId || !community.stripeAccountId) return { skipped: "not at Stripe" };
  const id = row.stripeSubscriptionId;
  const options = { stripeAccount: community.stripeAccountId };

  let live: Stripe.Subscription;
  try {
    live = await client.subscriptions.retrieve(id, {}, options);
  } catch (error) {
    if (isMissingAtStripe(error)) return { skipped: "Stripe no longer knows it" };
    throw error;
  }
  // Now, without proration: the whole first payment is refunded below.
  if (!ENDED.has(live.status)) await client.subscriptions.cancel(id, { prorate: false }, options);

  const refunded: string[] = [];
  const invoices = await client.invoices.list({ subscription: id, status: "paid", limit: 100, expand: ["data.payments"] }, options);
  for (const invoice of invoices.data) {
    for (const { payment } of invoice.payments?.data ?? []) {
      const intent = typeof payment.payment_intent === "string" ? payment.payment_intent : payment.payment_intent?.id;
      if (!intent || (await alreadyRefunded(client, intent, options))) continue;
      // The key makes a retried job's second ask the same refund.
      await client.refunds.create(
        { payment_intent: intent, reason: "duplicate", metadata: { community_id: communityId, subscription_id: subscriptionId } },
        { ...options, idempotencyKey: `duplicate-refund-${intent}` },
      );
      refunded.push(intent);
    }
  }
  return { canceled: true, refunded };
}

async function alreadyRefunded(client: Stripe, paymentIntent: string, options: { stripeAccount: string }): Promise<boolean> {
  const charges = await client.charges.list({ payment_intent: paymentIntent, limit: 10 }, options);
  return charges.data.every((charge) => charge.refunded || charge.amount_refunded >= charge.amount);
}
