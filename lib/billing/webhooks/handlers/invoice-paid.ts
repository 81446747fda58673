// invoice.paid / invoice.payment_succeeded: the same payment, recorded once.
import { recordBillingEvent } from "../../../analytics/record";
import { recordInvoicePayment } from "../../payment-records";
import { refreshMember } from "../../member-refresh";
import { syncSubscription } from "../../subscription-sync";
import { currentSubscription, defineHandler, parseObject } from "../handler";
import { invoiceSchema } from "../stripe-objects";

export const invoicePaid = defineHandler({
  async prepare(object, ctx) {
    const invoice = parseObject(invoiceSchema, object);
    // One-off invoices are not memberships.
    if (!invoice.subscriptionId) return null;
    return { invoice, subscription: await currentSubscription(ctx, invoice.subscriptionId) };
  },
  async apply(tx, { invoice, subscription }, ctx) {
    const synced = await syncSubscription(tx, ctx, subscription);
    const payment = await recordInvoicePayment(tx, { communityId: ctx.communityId, memberId: synced.memberId, subscriptionId: synced.subscriptionId }, invoice, "succeeded", ctx.now);
    if (!payment.newlyRecorded) return "processed";
    const { member } = await refreshMember(tx, synced.memberId, ctx.now);
    const base = { communityId: ctx.communityId, at: ctx.now, userId: member.userId, discordUserId: member.discordUserId };
    const properties = { payment_id: payment.id, amount: payment.amount, currency: payment.currency, stripe_invoice_id: invoice.id };
    await recordBillingEvent(tx, { ...base, name: "payment_succeeded", properties });
    if (invoice.billingReason === "subscription_cycle") await recordBillingEvent(tx, { ...base, name: "subscription_renewed", properties });
    return "processed";
  },
});
