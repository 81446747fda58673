// invoice.paid / invoice.payment_succeeded: the same payment, recorded once.
import { Prisma } from "../../../generated/prisma/client";
import { inOrder, lastWrite, type SqlTx } from "../../../db/scopes";
import { billingEventSql } from "../../../analytics/record";
import { receiptJob } from "../../receipt-job";
import { invoicePaymentStatement } from "../../payment-records";
import { memberFactsSql, memberLockSql, refreshMember } from "../../member-refresh";
import { syncSubscription, type SyncContext } from "../../subscription-sync";
import { currentSubscription, defineHandler, parseObject, type Outcome } from "../handler";
import { invoiceSchema, type StripeInvoice } from "../../stripe-objects";

/** The subscription we hold for this Stripe id, with its member's lock (memberLockKey) taken in the same read. */
const heldSubscriptionSql = (stripeSubscriptionId: string) => Prisma.sql`
    SELECT id AS "subscriptionId", member_id AS "memberId", pg_advisory_xact_lock(hashtext('member:' || member_id::text)) IS NULL AS locked
      FROM subscriptions WHERE stripe_subscription_id = ${stripeSubscriptionId}`;

type Held = { subscriptionId: string; memberId: string };

/**
 * The payment, once; the member's total; the analytics events and the receipt
 * job in one statement. Three round trips on the fast path: the payment with
 * the member's facts, then that statement with the COMMIT.
 */
async function recordPaid(tx: SqlTx, ids: Held, invoice: StripeInvoice, ctx: SyncContext, locked: boolean): Promise<Outcome> {
  const paymentStatement = invoicePaymentStatement({ communityId: ctx.communityId, ...ids }, invoice, "succeeded", ctx.now);
  // The facts are read after the payment's write, which they see, under the member's lock.
  const [paymentRows, facts] = (
    await inOrder(tx, [...(locked ? [] : [memberLockSql(ids.memberId)]), paymentStatement.sql, memberFactsSql(ids.memberId)])
  ).slice(-2) as [unknown[], unknown[]];
  const payment = paymentStatement.recorded(paymentRows);
  if (!payment.newlyRecorded) return "processed";
  const { member, pendingUpdate } = await refreshMember(tx, ids.memberId, ctx.now, { locked: true, deferUpdate: true, facts });
  const properties = { payment_id: payment.id, amount: payment.amount, currency: payment.currency, stripe_invoice_id: invoice.id };
  const alsoAs = [
    ...(invoice.billingReason === "subscription_cycle" ? (["subscription_renewed"] as const) : []),
    ...(payment.recovered ? (["payment_recovered"] as const) : []),
  ];
  await lastWrite(
    tx,
    billingEventSql(
      { communityId: ctx.communityId, at: ctx.now, userId: member.userId, discordUserId: member.discordUserId, name: "payment_succeeded", properties },
      alsoAs,
      // No job key: the payment is recorded once, and the receipt is sent once (its notice's
      // dedupe key); a key would make graphile-worker look for a job to replace on every renewal.
      receiptJob(ctx, payment.id),
      pendingUpdate,
    ),
  );
  return "processed";
}

export const invoicePaid = defineHandler({
  // A payment changes no subscription state (Stripe sends customer.subscription.updated
  // for that): for a subscription we hold, Stripe need not be asked, and the whole
  // event is one short transaction.
  // The subscription's row (and its member's lock) is read in the message that opens the transaction.
  fastOpening(object) {
    const parsed = invoiceSchema.safeParse(object);
    return parsed.success && parsed.data.subscriptionId ? [heldSubscriptionSql(parsed.data.subscriptionId)] : [];
  },
  async fast(tx, object, ctx, [heldRows]) {
    const invoice = parseObject(invoiceSchema, object);
    // One-off invoices are not memberships.
    if (!invoice.subscriptionId) return "ignored";
    const held = (heldRows?.[0] as Held | undefined) ?? null;
    return held ? recordPaid(tx, held, invoice, ctx, true) : null;
  },
  // A subscription we do not hold yet (its own events are late): Stripe's copy makes it.
  async prepare(object, ctx) {
    const invoice = parseObject(invoiceSchema, object);
    if (!invoice.subscriptionId) return null;
    return { invoice, subscription: await currentSubscription(ctx, invoice.subscriptionId) };
  },
  async apply(tx, { invoice, subscription }, ctx) {
    const synced = await syncSubscription(tx, ctx, subscription);
    return recordPaid(tx, synced, invoice, ctx, false);
  },
});
