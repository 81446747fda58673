// invoice.paid / invoice.payment_succeeded: the same payment, recorded once.
import { recordBillingEvent } from "../../../analytics/record";
import { recordInvoicePayment } from "../../payment-records";
import { enqueueJob, JOB_KINDS } from "../../../jobs/enqueue";
import { refreshMember } from "../../member-refresh";
import { syncSubscription } from "../../subscription-sync";
import { currentSubscription, defineHandler, parseObject } from "../handler";
import { invoiceSchema } from "../stripe-objects";

export const invoicePaid = defineHandler({
  // A payment changes no subscription state (Stripe sends customer.subscription.updated
  // for that): for a subscription we hold, Stripe need not be asked again.
  async peek(tx, object) {
    const subscriptionId = invoiceSchema.safeParse(object).data?.subscriptionId;
    return subscriptionId ? (await tx.subscription.count({ where: { stripeSubscriptionId: subscriptionId } })) > 0 : false;
  },
  async prepare(object, ctx, known: boolean) {
    const invoice = parseObject(invoiceSchema, object);
    // One-off invoices are not memberships.
    if (!invoice.subscriptionId) return null;
    const subscriptionId = invoice.subscriptionId;
    return { invoice, subscriptionId, subscription: known ? null : await currentSubscription(ctx, subscriptionId) };
  },
  async apply(tx, { invoice, subscriptionId, subscription }, ctx) {
    const ids = subscription
      ? await syncSubscription(tx, ctx, subscription)
      : await tx.subscription.findUniqueOrThrow({ where: { stripeSubscriptionId: subscriptionId }, select: { id: true, memberId: true } }).then((row) => ({ subscriptionId: row.id, memberId: row.memberId }));
    const payment = await recordInvoicePayment(tx, { communityId: ctx.communityId, memberId: ids.memberId, subscriptionId: ids.subscriptionId }, invoice, "succeeded", ctx.now);
    if (!payment.newlyRecorded) return "processed";
    const { member } = await refreshMember(tx, ids.memberId, ctx.now);
    const base = { communityId: ctx.communityId, at: ctx.now, userId: member.userId, discordUserId: member.discordUserId };
    const properties = { payment_id: payment.id, amount: payment.amount, currency: payment.currency, stripe_invoice_id: invoice.id };
    const alsoAs = [...(invoice.billingReason === "subscription_cycle" ? (["subscription_renewed"] as const) : []), ...(payment.recovered ? (["payment_recovered"] as const) : [])];
    await recordBillingEvent(tx, { ...base, name: "payment_succeeded", properties }, alsoAs);
    await enqueueJob(tx, JOB_KINDS.receipt, { communityId: ctx.communityId, paymentId: payment.id }, { key: `receipt:${payment.id}` });
    return "processed";
  },
});
