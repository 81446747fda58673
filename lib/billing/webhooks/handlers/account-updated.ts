import { defineHandler, parseObject } from "../handler";
import { accountSchema } from "../stripe-objects";

// The connected account finished (or lost) onboarding: checkout follows charges_enabled.
export const accountUpdated = defineHandler({
  async prepare(object) {
    return parseObject(accountSchema, object);
  },
  async apply(tx, account, ctx) {
    await tx.community.update({
      where: { id: ctx.communityId, stripeAccountId: account.id },
      data: { stripeChargesEnabled: account.charges_enabled, stripeDetailsSubmitted: account.details_submitted },
      select: { id: true },
    });
    return "processed";
  },
});
