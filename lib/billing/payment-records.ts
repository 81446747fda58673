import { Prisma } from "../generated/prisma/client";
import type { TenantTx } from "../db/scopes";
import { fromMinorUnits } from "./money";
import type { StripeInvoice } from "./webhooks/stripe-objects";
import { RetryLater } from "./webhooks/errors";

/** A payment that succeeded is never turned back into a failure by a late event. */
const SETTLED = ["succeeded", "partially_refunded", "refunded", "disputed", "dispute_lost"];

export type RecordedPayment = { id: string; amount: string; currency: string; newlyRecorded: boolean; recovered: boolean };

/**
 * One payments row per invoice (invoice.paid and invoice.payment_succeeded
 * describe the same money): created or brought to the given outcome.
 */
export async function recordInvoicePayment(
  tx: TenantTx,
  ids: { communityId: string; memberId: string; subscriptionId: string },
  invoice: StripeInvoice,
  outcome: "succeeded" | "failed",
  now: Date,
): Promise<RecordedPayment> {
  const existing = await tx.payment.findUnique({ where: { stripeInvoiceId: invoice.id }, select: { id: true, status: true, amount: true, currency: true } });
  const amount = fromMinorUnits(outcome === "succeeded" ? invoice.amountPaid : invoice.amountDue, invoice.currency);
  if (existing && (existing.status === outcome || SETTLED.includes(existing.status))) {
    return { id: existing.id, amount: existing.amount.toFixed(2), currency: existing.currency, newlyRecorded: false, recovered: false };
  }
  // A failed invoice paid after all is revenue recovered (what reminders are for).
  const recovered = outcome === "succeeded" && existing?.status === "failed";
  const fields = {
    amount,
    currency: invoice.currency,
    status: outcome,
    description: invoice.description,
    stripePaymentIntentId: invoice.paymentIntentId,
    stripeChargeId: invoice.chargeId,
    processedAt: outcome === "succeeded" ? new Date((invoice.paidAt ?? invoice.created) * 1000) : now,
    metadata: { stripe_invoice_id: invoice.id, billing_reason: invoice.billingReason, ...(invoice.number ? { invoice_number: invoice.number } : {}) },
    hostedInvoiceUrl: invoice.hostedInvoiceUrl,
    ...(outcome === "failed" ? { failedAt: now } : {}),
    ...(recovered ? { recoveredAt: now } : {}),
  };
  const row = existing
    ? await tx.payment.update({ where: { id: existing.id }, data: fields, select: { id: true } })
    : await tx.payment.create({ data: { ...fields, ...ids, stripeInvoiceId: invoice.id }, select: { id: true } });
  return { id: row.id, amount, currency: invoice.currency, newlyRecorded: true, recovered };
}

/** Statuses a dispute sets; while one stands, refunds do not change the status. */
export const DISPUTE_STATUSES = ["disputed", "dispute_lost"];

/** A received payment's status from how much of it was refunded. */
export function settledStatus(amount: Prisma.Decimal, refunded: Prisma.Decimal | string): "succeeded" | "partially_refunded" | "refunded" {
  const back = new Prisma.Decimal(refunded);
  return back.isZero() ? "succeeded" : back.greaterThanOrEqualTo(amount) ? "refunded" : "partially_refunded";
}

/** The payment a charge belongs to, held for this transaction; one that has not arrived yet is retried later. */
export async function paymentForCharge(tx: TenantTx, charge: { chargeId: string; paymentIntentId: string | null | undefined }) {
  // Refund and dispute events for one charge arrive together: each reads and writes the payment in turn.
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`charge:${charge.chargeId}`}))`;
  const payment = await tx.payment.findFirst({
    where: { OR: [{ stripeChargeId: charge.chargeId }, ...(charge.paymentIntentId ? [{ stripePaymentIntentId: charge.paymentIntentId }] : [])] },
    select: { id: true, memberId: true, status: true, amount: true, amountRefunded: true, currency: true, metadata: true },
  });
  if (!payment) throw new RetryLater(`no payment recorded yet for charge ${charge.chargeId}`);
  return payment;
}
