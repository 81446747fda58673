import { recordBillingEvent } from "../../../analytics/record";
import { enqueueJob, JOB_KINDS } from "../../../jobs/enqueue";
import { recordInvoicePayment } from "../../payment-records";
import { syncSubscription } from "../../subscription-sync";
import { currentSubscription, defineHandler, parseObject } from "../handler";
import { invoiceSchema } from "../../stripe-objects";

// Stripe moves the subscription to past_due; syncing it opens the member's
// grace period. The failed attempt is kept as a payment needing attention,
// and the member is reminded to pay.
export const invoicePaymentFailed = defineHandler({
  async prepare(object, ctx) {
    const invoice = parseObject(invoiceSchema, object);
    if (!invoice.subscriptionId) return null;
    return { invoice, subscription: await currentSubscription(ctx, invoice.subscriptionId) };
  },
  async apply(tx, { invoice, subscription }, ctx) {
    const synced = await syncSubscription(tx, ctx, subscription);
    const payment = await recordInvoicePayment(
      tx,
      { communityId: ctx.communityId, memberId: synced.memberId, subscriptionId: synced.subscriptionId },
      invoice,
      "failed",
      ctx.now,
    );
    if (!payment.newlyRecorded) return "processed";
    const { member, after } = synced.refresh;
    await recordBillingEvent(tx, {
      communityId: ctx.communityId,
      at: ctx.now,
      userId: member.userId,
      discordUserId: member.discordUserId,
      name: "payment_failed",
      properties: { payment_id: payment.id, amount: payment.amount, currency: payment.currency, stripe_invoice_id: invoice.id },
    });
    await enqueueJob(tx, JOB_KINDS.paymentFailed, {
      communityId: ctx.communityId,
      memberId: member.id,
      paymentId: payment.id,
      accessUntil: after.expiresAt?.toISOString() ?? null,
    });
    // The member is reminded now, then on the community's schedule until they pay (lib/billing/dunning.ts).
    await enqueueJob(
      tx,
      JOB_KINDS.dunning,
      { communityId: ctx.communityId, subscriptionId: synced.subscriptionId, attempt: 1 },
      { key: `dunning:${synced.subscriptionId}` },
    );
    return "processed";
  },
});
