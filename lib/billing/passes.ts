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
  if (session.amount_total == null || !session.currency) throw new WebhookRejection(`checkout session ${session.id} has no amount`);
  // Serialised with every other change to this member; a second delivery finds the grant.
  await lockMember(tx, memberId!.toLowerCase());
  if (await tx.accessGrant.findFirst({ where: { stripeCheckoutSessionId: session.id }, select: { id: true } })) return "processed";
  // Both read in the community's scope: another community's member or tier is not found.
  const member = await tx.communityMember.findUnique({ where: rowKey(memberId!.toLowerCase()), select: { id: true, userId: true, discordUserId: true } });
  const tier = await tx.subscriptionTier.findUnique({ where: rowKey(tierId!.toLowerCase()), select: { id: true, name: true, accessDays: true } });
  if (!member || !tier) throw new WebhookRejection(`checkout session ${session.id}: no such member or tier in this community`);

  const paidAt = session.created ? new Date(session.created * 1000) : ctx.now;
  const amount = fromMinorUnits(session.amount_total, session.currency);
  const payment = await tx.payment.create({
    data: {
      communityId: ctx.communityId,
      memberId: member.id,
      amount,
      taxAmount: fromMinorUnits(session.total_details?.amount_tax ?? 0, session.currency),
      currency: session.currency,
      status: "succeeded",
      description: `${tier.name} (pass)`,
      stripePaymentIntentId: session.payment_intent ?? null,
      processedAt: ctx.now,
      metadata: { stripe_checkout_session_id: session.id, kind: "pass" },
    },
    select: { id: true },
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
  await recordBillingEvent(
    tx,
    {
      communityId: ctx.communityId,
      at: paidAt,
      userId: member.userId,
      discordUserId: member.discordUserId,
      name: "payment_succeeded",
      properties: { payment_id: payment.id, amount, currency: session.currency, pass: tier.name },
    },
    [],
    receiptJob(ctx, payment.id, { key: `receipt:${payment.id}` }),
  );
  return "processed";
}
