"use server";

import { revalidatePath } from "next/cache";
import { communityWorkflow, type ActionState } from "@/lib/actions";
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
