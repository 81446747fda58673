// A pass: a tier bought with one payment (Checkout in payment mode), giving
// access for the tier's number of days or for life. Recorded as a payment and
// an access grant of kind "pass", which the member's standing and roles count
// like a paid subscription (member-standing.ts, desired-roles.ts); it ends on
// its date (the sweep) or when its payment is refunded in full.
import type { TenantTx } from "../db/scopes";
import { idSchema } from "../db/ids";
import { recordBillingEvent } from "../analytics/record";
import { enqueueJob, JOB_KINDS, requestRoleSync } from "../jobs/enqueue";
import { fromMinorUnits } from "./money";
import { lockMember, refreshMember } from "./member-refresh";
import type { SyncContext } from "./subscription-sync";
import { receiptJob } from "./receipt-job";
import { WebhookRejection } from "./errors";
import type { StripeCheckoutSession } from "./stripe-objects";

import { rowKey } from "../db/scopes";
const DAY = 86_400_000;

/** Records a paid pass once per Checkout Session: the payment, the grant, the member's standing, the roles. */
export async function recordPassPurchase(tx: TenantTx, ctx: SyncContext, session: StripeCheckoutSession): Promise<"processed" | "ignored"> {
  const { member_id: memberId, tier_id: tierId, community_id: communityId } = session.metadata;
  if (communityId !== ctx.communityId) throw new WebhookRejection(`checkout session ${session.id} names another community`);
  if (!idSchema.safeParse(memberId).success || !idSchema.safeParse(tierId).success)
    throw new WebhookRejection(`checkout session ${session.id} has no member or tier in its metadata`);
  // Serialised with every other change to this member; a second delivery finds the grant.
  await lockMember(tx, memberId!.toLowerCase());
  if (await tx.accessGrant.findFirst({ where: { stripeCheckoutSessionId: session.id }, select: { id: true } })) return "processed";
  // Both read in the community's scope: another community's member or tier is not found.
  const member = await tx.communityMember.findUnique({ where: rowKey(memberId!.toLowerCase()), select: { id: true, userId: true, discordUserId: true } });
  const tier = await tx.subscriptionTier.findUnique({ where: rowKey(tierId!.toLowerCase()), select: { id: true, name: true, accessDays: true } });
  if (!member || !tier) throw new WebhookRejection(`checkout session ${session.id}: no such member or tier in this community`);

  const { payment, amount, currency, paidAt } = await recordSessionPayment(tx, ctx, session, {
    memberId: member.id,
    description: `${tier.name} (pass)`,
    kind: "pass",
  });
  const until = tier.accessDays ? new Date(ctx.now.getTime() + tier.accessDays * DAY) : null;
  await tx.accessGrant.create({
    data: {
      communityId: ctx.communityId,
      memberId: member.id,
      tierId: tier.id,
      kind: "pass",
      until,
      paymentId: payment.id,
      stripeCheckoutSessionId: session.id,
    },
    select: { id: true },
  });
  await refreshMember(tx, member.id, ctx.now, { locked: true });
  await requestRoleSync(tx, ctx.communityId, member.id, `pass for ${tier.name}`);
  await enqueueJob(tx, JOB_KINDS.newPaidMember, { communityId: ctx.communityId, memberId: member.id, tier: tier.name });
  await recordPaymentEvent(tx, ctx, { member, paymentId: payment.id, amount, currency, at: paidAt, properties: { pass: tier.name } });
  return "processed";
}

/** A Checkout Session's one payment (a pass or a gift), recorded as succeeded in the session's currency. */
export async function recordSessionPayment(
  tx: TenantTx,
  ctx: SyncContext,
  session: StripeCheckoutSession,
  what: { memberId: string; description: string; kind: "pass" | "gift" },
) {
  if (session.amount_total == null || !session.currency) throw new WebhookRejection(`checkout session ${session.id} has no amount`);
  const paidAt = session.created ? new Date(session.created * 1000) : ctx.now;
  const amount = fromMinorUnits(session.amount_total, session.currency);
  const payment = await tx.payment.create({
    data: {
      communityId: ctx.communityId,
      memberId: what.memberId,
      amount,
      taxAmount: fromMinorUnits(session.total_details?.amount_tax ?? 0, session.currency),
      currency: session.currency,
      status: "succeeded",
      description: what.description,
      stripePaymentIntentId: session.payment_intent ?? null,
      processedAt: ctx.now,
      metadata: { stripe_checkout_session_id: session.id, kind: what.kind },
    },
    select: { id: true },
  });
  return { payment, amount, currency: session.currency, paidAt };
}

/** The payment's analytics event, with its receipt where CommunityOS sends receipts. */
export function recordPaymentEvent(
  tx: TenantTx,
  ctx: SyncContext,
  p: { member: { userId: string; discordUserId: string }; paymentId: string; amount: string; currency: string; at: Date; properties: Record<string, string> },
) {
  return recordBillingEvent(
    tx,
    {
      communityId: ctx.communityId,
      at: p.at,
      userId: p.member.userId,
      discordUserId: p.member.discordUserId,
      name: "payment_succeeded",
      properties: { payment_id: p.paymentId, amount: p.amount, currency: p.currency, ...p.properties },
    },
    [],
    receiptJob(ctx, p.paymentId, { key: `receipt:${p.paymentId}` }),
  );
}
