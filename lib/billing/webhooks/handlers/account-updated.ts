import { enqueueJob, JOB_KINDS } from "../../../jobs/enqueue";
import { defineHandler, parseObject, readBack } from "../handler";
import { WebhookRejection } from "../../errors";
import { accountSchema } from "../../stripe-objects";

// The connected account finished (or lost) onboarding: checkout follows
// charges_enabled. The account is read back from Stripe, so two updates
// delivered in the wrong order still leave its current state.
export const accountUpdated = defineHandler({
  async prepare(object, ctx) {
    const copy = parseObject(accountSchema, object);
    // The event is routed by its `account`; an object naming another account cannot be applied (retrying will not change that).
    if (copy.id !== ctx.stripeAccount) throw new WebhookRejection(`account.updated for ${ctx.stripeAccount} describes another account (${copy.id})`);
    return (await readBack(accountSchema, copy, () => ctx.stripe.accounts.retrieve(copy.id))).object;
  },
  async apply(tx, account, ctx) {
    const before = await tx.community.findUniqueOrThrow({ where: { id: ctx.communityId }, select: { stripeChargesEnabled: true } });
    await tx.community.update({
      where: { id: ctx.communityId, stripeAccountId: account.id },
      data: { stripeChargesEnabled: account.charges_enabled, stripeDetailsSubmitted: account.details_submitted },
      select: { id: true },
    });
    // Charges just became possible: the tiers go to Stripe by themselves.
    if (account.charges_enabled && !before.stripeChargesEnabled)
      await enqueueJob(tx, JOB_KINDS.syncTiers, { communityId: ctx.communityId }, { key: `sync_tiers:${ctx.communityId}` });
    return "processed";
  },
});
