import { recordBillingEvent } from "../../../analytics/record";
import { requestRoleSync } from "../../../jobs/enqueue";
import { fromMinorUnits } from "../../money";
import { DISPUTE_STATUSES, paymentForCharge, settledStatus } from "../../payment-records";
import { lockMember, refreshMember } from "../../member-refresh";
import { refreshOtherHolders } from "../../grants";
import { defineHandler, parseObject, readBack } from "../handler";
import { chargeSchema, type StripeCharge } from "../../stripe-objects";

import { rowKey } from "../../../db/scopes";
// Refund events arrive in any order (a partial refund's after the full one's):
// the charge is read back from Stripe with its refunds, so its cumulative
// amount_refunded is the truth now, however late the event that prompted the
// read, and each refund is recorded once, by its id.
export const chargeRefunded = defineHandler({
  async prepare(object, ctx) {
    const copy = parseObject(chargeSchema, object);
    const { object: charge, fresh } = await readBack(chargeSchema, copy, () =>
      ctx.stripe.charges.retrieve(copy.id, { expand: ["refunds"] }, { stripeAccount: ctx.stripeAccount }),
    );
    return { charge, fresh };
  },
  async apply(tx, { charge, fresh }, ctx) {
    const payment = await paymentForCharge(tx, { chargeId: charge.id, paymentIntentId: charge.payment_intent });
    let refunded = fromMinorUnits(Math.min(charge.amount_refunded, charge.amount), charge.currency);
    // Without Stripe's current word, an event's copy may be stale: it never lowers what we hold.
    if (!fresh && payment.amountRefunded.greaterThan(refunded)) refunded = payment.amountRefunded.toFixed(2);
    const metadata = payment.metadata as Record<string, unknown>;
    const recorded = new Set(Array.isArray(metadata.stripe_refund_ids) ? (metadata.stripe_refund_ids as string[]) : []);
    const newRefunds = refundsOf(charge, refunded).filter((r) => !recorded.has(r.id));
    if (payment.amountRefunded.equals(refunded) && newRefunds.length === 0) return "processed";

    // The member's lock before their payment's row, in the order a payment's event takes them.
    await lockMember(tx, payment.memberId);
    // A refund during a dispute leaves the dispute in charge of the status.
    const status = DISPUTE_STATUSES.includes(payment.status) ? payment.status : settledStatus(payment.amount, refunded);
    await tx.payment.update({
      where: rowKey(payment.id),
      data: {
        amountRefunded: refunded,
        status,
        stripeChargeId: charge.id,
        metadata: { ...metadata, stripe_refund_ids: [...recorded, ...newRefunds.map((r) => r.id)] },
      },
      select: { id: true },
    });
    const refresh = await refreshMember(tx, payment.memberId, ctx.now, { locked: true });
    const full = payment.amount.lessThanOrEqualTo(refunded);
    for (const refund of newRefunds) {
      await recordBillingEvent(tx, {
        communityId: ctx.communityId,
        at: refund.at ?? ctx.now,
        userId: refresh.member.userId,
        discordUserId: refresh.member.discordUserId,
        name: "payment_refunded",
        properties: { payment_id: payment.id, amount: refund.amount, amount_refunded: refunded, currency: payment.currency, full },
      });
    }
    if (refresh.changed) await requestRoleSync(tx, ctx.communityId, payment.memberId, "payment refunded");
    // A gift's months are its recipient's: a full refund ends them too.
    await refreshOtherHolders(tx, payment, ctx, "gift refunded");
    return "processed";
  },
});

/** The charge's successful refunds; an event copy without them stands for one refund of the total so far. */
function refundsOf(charge: StripeCharge, refunded: string): { id: string; amount: string; at: Date | null }[] {
  if (charge.refunds) {
    return charge.refunds.data
      .filter((r) => r.status === "succeeded" || r.status === "pending")
      .map((r) => ({ id: r.id, amount: fromMinorUnits(r.amount, charge.currency), at: new Date(r.created * 1000) }));
  }
  return refunded === "0.00" ? [] : [{ id: `total:${refunded}`, amount: refunded, at: null }];
}
