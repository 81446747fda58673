import { z } from "zod";
import type Stripe from "stripe";
import { ActionError } from "../core/errors";
import { type CommunityRef } from "../core/actors";
import type { TenantTx } from "../db/scopes";
import { fromMinorUnits, toMinorUnits } from "./money";
import { AMOUNT_PATTERN } from "./amount-input";
import { isMissingAtStripe, stripe } from "./stripe";

import { rowKey } from "../db/scopes";
export const refundSchema = z.object({
  paymentId: z.uuid({ message: "is not a payment" }),
  // Empty: refund what is left.
  amount: z
    .string()
    .trim()
    .refine((v) => v === "" || AMOUNT_PATTERN.test(v), "must be an amount like 5 or 4.50")
    .transform((v) => (v === "" ? null : v)),
});

const REFUNDABLE = ["succeeded", "partially_refunded"];

/**
 * Asks Stripe to refund a payment on the community's connected account. Our row
 * changes only when charge.refunded arrives (the webhook), like every money fact.
 */
export async function requestRefund(
  input: z.output<typeof refundSchema>,
  ctx: { community: CommunityRef; inScope: <T>(fn: (tx: TenantTx) => Promise<T>) => Promise<T> },
  client: Stripe = stripe(),
): Promise<{ amount: string; currency: string }> {
  const payment = await ctx.inScope((tx) =>
    tx.payment.findUnique({
      where: rowKey(input.paymentId),
      select: { status: true, amount: true, amountRefunded: true, currency: true, stripePaymentIntentId: true, stripeChargeId: true },
    }),
  );
  if (!payment) throw new ActionError("We couldn't find that payment.");
  if (!REFUNDABLE.includes(payment.status)) throw new ActionError(`A ${payment.status.replace("_", " ")} payment cannot be refunded.`);
  if (!ctx.community.stripeAccountId || (!payment.stripePaymentIntentId && !payment.stripeChargeId))
    throw new ActionError("This payment was not made through Stripe.");
  const remaining = toMinorUnits(payment.amount.minus(payment.amountRefunded).toFixed(2), payment.currency);
  let amount = remaining;
  if (input.amount !== null) {
    try {
      amount = toMinorUnits(input.amount, payment.currency);
    } catch (error) {
      throw new ActionError("Please correct the highlighted fields.", { amount: [(error as Error).message] });
    }
  }
  if (amount <= 0 || amount > remaining) {
    throw new ActionError("Please correct the highlighted fields.", {
      amount: [`must be more than 0 and at most ${fromMinorUnits(remaining, payment.currency)} (what is left to refund)`],
    });
  }
  try {
    await client.refunds.create(
      {
        ...(payment.stripePaymentIntentId ? { payment_intent: payment.stripePaymentIntentId } : { charge: payment.stripeChargeId! }),
        amount,
        metadata: { payment_id: input.paymentId, community_id: ctx.community.id },
      },
      // The same refund asked twice (a double click) is one refund.
      { stripeAccount: ctx.community.stripeAccountId, idempotencyKey: `refund-${input.paymentId}-${remaining}-${amount}` },
    );
  } catch (error) {
    const e = error as { statusCode?: number; code?: string; message?: string };
    if (isMissingAtStripe(error)) throw new ActionError("Stripe doesn't know this payment (demo data, or it was removed). Nothing was refunded.");
    if (e.statusCode === 400) throw new ActionError(`Stripe refused the refund: ${e.message ?? "invalid request"}`);
    throw error;
  }
  return { amount: fromMinorUnits(amount, payment.currency), currency: payment.currency };
}
