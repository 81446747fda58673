import { recordBillingEvent } from "../../../analytics/record";
import { requestRoleSync } from "../../../jobs/enqueue";
import { fromMinorUnits } from "../../money";
import { paymentForCharge } from "../../payment-records";
import { refreshMember } from "../../member-refresh";
import { defineHandler, parseObject } from "../handler";
import { chargeSchema } from "../stripe-objects";

// The charge carries the cumulative refunded amount, so applying it twice or
// late gives the same row.
export const chargeRefunded = defineHandler({
  async prepare(object) {
    return parseObject(chargeSchema, object);
  },
  async apply(tx, charge, ctx) {
    const payment = await paymentForCharge(tx, { chargeId: charge.id, paymentIntentId: charge.payment_intent });
    const refunded = fromMinorUnits(Math.min(charge.amount_refunded, charge.amount), charge.currency);
    if (payment.amountRefunded.equals(refunded)) return "processed";
    const full = payment.amount.lessThanOrEqualTo(refunded);
    // A refund during a dispute leaves the dispute in charge of the status.
    const status = payment.status === "disputed" ? "disputed" : full ? "refunded" : "partially_refunded";
    await tx.payment.update({ where: { id: payment.id }, data: { amountRefunded: refunded, status, stripeChargeId: charge.id }, select: { id: true } });
    const refresh = await refreshMember(tx, payment.memberId, ctx.now);
    await recordBillingEvent(tx, {
      communityId: ctx.communityId,
      at: ctx.now,
      userId: refresh.member.userId,
      discordUserId: refresh.member.discordUserId,
      name: "payment_refunded",
      properties: { payment_id: payment.id, amount_refunded: refunded, currency: payment.currency, full },
    });
    if (refresh.changed) await requestRoleSync(tx, ctx.communityId, payment.memberId, "payment refunded");
    return "processed";
  },
});
