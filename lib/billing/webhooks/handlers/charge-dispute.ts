// charge.dispute.created suspends access and alerts the owner;
// charge.dispute.closed settles it (won: access back; lost: the money is gone).
import { raiseAlert, resolveAlert } from "../../../alerts/raise";
import { recordBillingEvent } from "../../../analytics/record";
import { enqueueJob, JOB_KINDS, requestRoleSync } from "../../../jobs/enqueue";
import { fromMinorUnits } from "../../money";
import { paymentForCharge } from "../../payment-records";
import { refreshMember } from "../../member-refresh";
import { defineHandler, parseObject } from "../handler";
import { disputeSchema } from "../stripe-objects";

export const chargeDisputeCreated = defineHandler({
  async prepare(object) {
    return parseObject(disputeSchema, object);
  },
  async apply(tx, dispute, ctx) {
    const payment = await paymentForCharge(tx, { chargeId: dispute.charge, paymentIntentId: dispute.payment_intent });
    if (payment.status === "disputed") return "processed";
    await tx.payment.update({
      where: { id: payment.id },
      data: { status: "disputed", metadata: { ...(payment.metadata as Record<string, unknown>), stripe_dispute_id: dispute.id } },
      select: { id: true },
    });
    const refresh = await refreshMember(tx, payment.memberId, ctx.now);
    const amount = fromMinorUnits(dispute.amount, dispute.currency);
    await recordBillingEvent(tx, {
      communityId: ctx.communityId,
      at: ctx.now,
      userId: refresh.member.userId,
      discordUserId: refresh.member.discordUserId,
      name: "payment_disputed",
      properties: { payment_id: payment.id, amount, currency: dispute.currency, reason: dispute.reason ?? null },
    });
    await raiseAlert(tx, ctx.communityId, {
      kind: "dispute_opened",
      severity: "critical",
      title: `A member disputed a payment of ${amount} ${dispute.currency}`,
      detail: `Reason: ${dispute.reason ?? "not given"}. Their access is suspended until the dispute is settled. Respond in your Stripe dashboard (dispute ${dispute.id}).`,
      dedupeKey: `dispute:${dispute.id}`,
    });
    await enqueueJob(tx, JOB_KINDS.disputeOpened, { communityId: ctx.communityId,  memberId: payment.memberId, paymentId: payment.id, disputeId: dispute.id });
    if (refresh.changed) await requestRoleSync(tx, ctx.communityId, payment.memberId, "payment disputed");
    return "processed";
  },
});

export const chargeDisputeClosed = defineHandler({
  async prepare(object) {
    return parseObject(disputeSchema, object);
  },
  async apply(tx, dispute, ctx) {
    const payment = await paymentForCharge(tx, { chargeId: dispute.charge, paymentIntentId: dispute.payment_intent });
    if (payment.status !== "disputed") return "processed";
    const won = dispute.status === "won" || dispute.status === "warning_closed";
    const settled = won ? (payment.amountRefunded.greaterThan(0) ? "partially_refunded" : "succeeded") : "dispute_lost";
    await tx.payment.update({ where: { id: payment.id }, data: { status: settled }, select: { id: true } });
    await resolveAlert(tx, ctx.communityId, `dispute:${dispute.id}`, ctx.now);
    const refresh = await refreshMember(tx, payment.memberId, ctx.now);
    if (refresh.changed) await requestRoleSync(tx, ctx.communityId, payment.memberId, `dispute ${dispute.status}`);
    return "processed";
  },
});
