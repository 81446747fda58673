// charge.dispute.created / updated / closed. Stripe does not order deliveries,
// so every dispute event reads the dispute back from Stripe and applies its
// current state: open suspends access and alerts the owner; won restores it;
// lost leaves the money gone. A "closed" that arrives before its "created"
// therefore ends exactly where in-order delivery would.
import { raiseAlert, resolveAlert } from "../../../alerts/raise";
import { recordBillingEvent } from "../../../analytics/record";
import { enqueueJob, JOB_KINDS, requestRoleSync } from "../../../jobs/enqueue";
import { fromMinorUnits } from "../../money";
import { paymentForCharge, settledStatus } from "../../payment-records";
import { lockMember, refreshMember } from "../../member-refresh";
import { refreshOtherHolders } from "../../grants";
import { defineHandler, parseObject, readBack, type Outcome, type PrepareContext } from "../handler";
import { disputeSchema, type StripeDispute } from "../../stripe-objects";
import type { TenantTx } from "../../../db/scopes";
import type { SyncContext } from "../../subscription-sync";

import { rowKey } from "../../../db/scopes";
/** Stripe's dispute statuses while the outcome is still open. */
const OPEN = new Set(["warning_needs_response", "warning_under_review", "needs_response", "under_review"]);
const WON = new Set(["won", "warning_closed"]);

async function currentDispute(object: Record<string, unknown>, ctx: PrepareContext): Promise<StripeDispute> {
  const copy = parseObject(disputeSchema, object);
  return (await readBack(disputeSchema, copy, () => ctx.stripe.disputes.retrieve(copy.id, {}, { stripeAccount: ctx.stripeAccount }))).object;
}

async function applyDispute(tx: TenantTx, dispute: StripeDispute, ctx: SyncContext): Promise<Outcome> {
  const payment = await paymentForCharge(tx, { chargeId: dispute.charge, paymentIntentId: dispute.payment_intent });
  const metadata = payment.metadata as Record<string, unknown>;
  const firstSeen = metadata.stripe_dispute_id !== dispute.id;
  const open = OPEN.has(dispute.status);
  const status = open
    ? "disputed"
    : WON.has(dispute.status)
      ? settledStatus(payment.amount, payment.amountRefunded)
      : dispute.status === "lost"
        ? "dispute_lost"
        : payment.status;
  if (!firstSeen && status === payment.status) return "processed";

  // The member's lock before their payment's row, in the order a payment's event takes them.
  await lockMember(tx, payment.memberId);
  await tx.payment.update({
    where: rowKey(payment.id),
    data: { status, metadata: { ...metadata, stripe_dispute_id: dispute.id, stripe_dispute_status: dispute.status } },
    select: { id: true },
  });
  const refresh = await refreshMember(tx, payment.memberId, ctx.now, { locked: true });
  const amount = fromMinorUnits(dispute.amount, dispute.currency);
  const alertKey = `dispute:${dispute.id}`;
  if (firstSeen) {
    await recordBillingEvent(tx, {
      communityId: ctx.communityId,
      at: ctx.now,
      userId: refresh.member.userId,
      discordUserId: refresh.member.discordUserId,
      name: "payment_disputed",
      properties: { payment_id: payment.id, amount, currency: dispute.currency, reason: dispute.reason ?? null },
    });
    // Raised even when first seen settled, so the owner's history is the same whatever the order.
    await raiseAlert(tx, ctx.communityId, {
      kind: "dispute_opened",
      severity: "critical",
      title: `A member disputed a payment of ${amount} ${dispute.currency}`,
      detail: `Reason: ${dispute.reason ?? "not given"}. Their access is suspended until the dispute is settled. Respond in your Stripe dashboard (dispute ${dispute.id}).`,
      dedupeKey: alertKey,
    });
    // The admin channel hears of disputes still open; a settled one is history.
    if (open)
      await enqueueJob(tx, JOB_KINDS.disputeOpened, { communityId: ctx.communityId, memberId: payment.memberId, paymentId: payment.id, disputeId: dispute.id });
  }
  if (!open) await resolveAlert(tx, ctx.communityId, alertKey, ctx.now);
  if (refresh.changed) await requestRoleSync(tx, ctx.communityId, payment.memberId, `dispute ${dispute.status}`);
  // A disputed gift's recipient is suspended too while it is open, and loses the months if it is lost.
  await refreshOtherHolders(tx, payment, ctx, `gift dispute ${dispute.status}`);
  return "processed";
}

export const chargeDispute = defineHandler({
  prepare: (object, ctx) => currentDispute(object, ctx),
  apply: applyDispute,
});
