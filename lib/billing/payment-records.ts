import { Prisma } from "../generated/prisma/client";
import type { SqlTx, TenantTx } from "../db/scopes";
import { fromMinorUnits } from "./money";
import type { StripeInvoice } from "./stripe-objects";
import { RetryLater } from "./errors";

/** A payment that succeeded is never turned back into a failure by a late event. */
const SETTLED = ["succeeded", "partially_refunded", "refunded", "disputed", "dispute_lost"];

export type RecordedPayment = { newlyRecorded: false } | { newlyRecorded: true; id: string; amount: string; currency: string; recovered: boolean };

/**
 * One payments row per invoice (invoice.paid and invoice.payment_succeeded
 * describe the same money): created or brought to the given outcome, in one
 * statement (this runs for every renewal). A settled payment is never turned
 * back into a failure; a failed one paid after all is marked recovered.
 */
export async function recordInvoicePayment(tx: SqlTx, ...args: Parameters<typeof invoicePaymentStatement>): Promise<RecordedPayment> {
  const statement = invoicePaymentStatement(...args);
  return statement.recorded(await tx.$queryRaw(statement.sql));
}

/** recordInvoicePayment as a statement and the reading of its rows, for a caller that sends it with others (inOrder). */
export function invoicePaymentStatement(
  ids: { communityId: string; memberId: string; subscriptionId: string },
  invoice: StripeInvoice,
  outcome: "succeeded" | "failed",
  now: Date,
): { sql: Prisma.Sql; recorded(rows: unknown[]): RecordedPayment } {
  const amount = fromMinorUnits(outcome === "succeeded" ? invoice.amountPaid : invoice.amountDue, invoice.currency);
  const processedAt = outcome === "succeeded" ? new Date((invoice.paidAt ?? invoice.created) * 1000) : now;
  const metadata = JSON.stringify({
    stripe_invoice_id: invoice.id,
    billing_reason: invoice.billingReason,
    ...(invoice.number ? { invoice_number: invoice.number } : {}),
  });
  // The update applies only to a row in another, unsettled status: a failed one (the only such status).
  const sql = Prisma.sql`
    INSERT INTO payments (community_id, member_id, subscription_id, stripe_invoice_id, amount, currency, status, description,
                          stripe_payment_intent_id, stripe_charge_id, processed_at, metadata, hosted_invoice_url, failed_at, tax_amount)
    VALUES (${ids.communityId}::uuid, ${ids.memberId}::uuid, ${ids.subscriptionId}::uuid, ${invoice.id}, ${amount}::numeric, ${invoice.currency}, ${outcome},
            ${invoice.description}, ${invoice.paymentIntentId}, ${invoice.chargeId}, ${processedAt}, ${metadata}::jsonb, ${invoice.hostedInvoiceUrl},
            ${outcome === "failed" ? now : null}::timestamptz, ${fromMinorUnits(invoice.tax, invoice.currency)}::numeric)
    ON CONFLICT (community_id, stripe_invoice_id) DO UPDATE
       SET amount = EXCLUDED.amount, currency = EXCLUDED.currency, status = EXCLUDED.status, description = EXCLUDED.description,
           stripe_payment_intent_id = EXCLUDED.stripe_payment_intent_id, stripe_charge_id = EXCLUDED.stripe_charge_id,
           processed_at = EXCLUDED.processed_at, metadata = EXCLUDED.metadata, hosted_invoice_url = EXCLUDED.hosted_invoice_url, tax_amount = EXCLUDED.tax_amount,
           failed_at = coalesce(payments.failed_at, EXCLUDED.failed_at),
           recovered_at = CASE WHEN EXCLUDED.status = 'succeeded' THEN ${now}::timestamptz ELSE payments.recovered_at END,
           updated_at = now()
     WHERE payments.status <> EXCLUDED.status AND payments.status <> ALL(${SETTLED}::text[])
    RETURNING id, (xmax = 0) AS inserted`;
  return {
    sql,
    recorded(rows) {
      const row = rows[0] as { id: string; inserted: boolean } | undefined;
      if (!row) return { newlyRecorded: false };
      return { newlyRecorded: true, id: row.id, amount, currency: invoice.currency, recovered: !row.inserted && outcome === "succeeded" };
    },
  };
}

/**
 * Statuses of a payment whose money is gone for good: refunded, or lost to a
 * dispute. A pass or a gift bought with it grants nothing. While a dispute is
 * open, the payment suspends whoever holds access through it instead (its
 * payer, and a gift's recipient: member-refresh.ts); a dispute won ends that.
 */
export const VOIDED_PAYMENT_STATUSES: readonly string[] = ["refunded", "dispute_lost"];

/** A payment voided or held back by an open dispute: the gift it paid for can't be claimed (it can again if the dispute is won). */
export const VOIDED_OR_DISPUTED_STATUSES: readonly string[] = [...VOIDED_PAYMENT_STATUSES, "disputed"];

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
