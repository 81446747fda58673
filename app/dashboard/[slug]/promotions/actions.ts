"use server";

import { revalidatePath } from "next/cache";
import { communityAction, communityWorkflow, type ActionState } from "@/lib/actions";
import { saveGiftsSetting, saveReferralProgram } from "@/lib/communities/owner";
import { z } from "zod";
import { checkbox } from "@/lib/utils/checkbox";
import { referralProgramSchema, type ReferralProgram } from "@/lib/referrals/program";
import { payoutInputSchema, recordPayout } from "@/lib/referrals/referrals";
import { createPromotion, promotionInputSchema } from "@/lib/billing/promotions";
import { stripe } from "@/lib/billing/stripe";
import { tierSummaries } from "@/lib/tiers/read";
import { mainCurrency } from "@/lib/billing/money";

// Stripe is asked outside any transaction (the coupon, then the code); the row is saved after.
const create = communityWorkflow(
  promotionInputSchema,
  "manage",
  async (input, ctx) => {
    const tiers = await ctx.inScope((tx) => tierSummaries(tx));
    return createPromotion(input, { ...ctx, currency: mainCurrency(tiers) }, stripe());
  },
  (input, r) => ({
    action: "promotion.created",
    objectType: "promotion_code",
    objectId: r.code,
    details: { kind: input.kind, value: input.value, duration: input.duration, tiers: input.tierIds.length },
  }),
);

export async function createPromotionAction(prev: ActionState<{ code: string; link: string }>, formData: FormData) {
  const result = await create(prev, formData);
  if (result.ok) {
    revalidatePath(`/dashboard/${formData.get("communitySlug")}/promotions`);
    return { ...result, message: `Code ${result.data.code} is live.` };
  }
  return result;
}

const saveProgram = communityAction(
  referralProgramSchema,
  "manage",
  (program, { community, tx }) => saveReferralProgram(tx, community.id, program).then(() => program),
  (program) => ({ action: "referrals.program_updated", objectType: "community", details: program }),
);

export async function saveReferralProgramAction(prev: ActionState<ReferralProgram>, formData: FormData) {
  const result = await saveProgram(prev, formData);
  if (!result.ok) return result;
  revalidatePath(`/dashboard/${formData.get("communitySlug")}/promotions`);
  const { percent, months } = result.data;
  return {
    ...result,
    message:
      percent === 0
        ? "Referrals are off. Links shared before no longer earn; what was earned stays."
        : `Saved. A member's link earns them ${percent}% of a new member's payments for ${months} ${months === 1 ? "month" : "months"}.`,
  };
}

const payout = communityAction(
  payoutInputSchema,
  "manage",
  (input, { community, actor, tx }) => recordPayout(tx, community.id, input, actor.id),
  (input, r) => ({ action: "referrals.payout_recorded", objectType: "member", objectId: input.memberId, details: { amount: r.amount, currency: r.currency } }),
);

export async function recordPayoutAction(prev: ActionState<{ name: string; amount: string; currency: string }>, formData: FormData) {
  const result = await payout(prev, formData);
  if (!result.ok) return result;
  revalidatePath(`/dashboard/${formData.get("communitySlug")}/promotions`);
  return { ...result, message: `Recorded: ${result.data.amount} ${result.data.currency} paid to ${result.data.name}.` };
}

const saveGifts = communityAction(
  z.object({ gifts: checkbox }),
  "manage",
  ({ gifts }, { community, tx }) => saveGiftsSetting(tx, community.id, gifts).then(() => gifts),
  (gifts) => ({ action: "gifts.setting_updated", objectType: "community", details: { on: gifts } }),
);

export async function saveGiftsAction(prev: ActionState<boolean>, formData: FormData) {
  const result = await saveGifts(prev, formData);
  if (!result.ok) return result;
  revalidatePath(`/dashboard/${formData.get("communitySlug")}/promotions`);
  return {
    ...result,
    message: result.data
      ? "Gifts are on: every monthly and yearly tier on your page can be given as a gift."
      : "Gifts are off. Gifts already bought can still be claimed.",
  };
}
