"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { redirect } from "next/navigation";
import { ActionError, communityAction, communityWorkflow, type ActionState } from "@/lib/actions";
import { startCheckout } from "@/lib/billing/checkout";
import { appOrigin } from "@/lib/http/origin";
import { joinCommunity } from "@/lib/communities/owner";
import { consume, RATE_LIMITED } from "@/lib/security/rate-limit";
import { startGiftCheckout } from "@/lib/gifts/checkout";
import { giftInputSchema } from "@/lib/gifts/offer";
import { chosenCurrency } from "@/lib/billing/amount-input";
import { stripe } from "@/lib/billing/stripe";

const join = communityAction(z.object({}), "signed-in", (_input, { actor, community, tx }) => joinCommunity(community, actor, tx));

export async function joinCommunityAction(prev: ActionState<{ memberId: string }>, formData: FormData) {
  const result = await join(prev, formData);
  if (result.ok) revalidatePath(`/c/${formData.get("communitySlug")}`);
  return result;
}

const checkout = communityWorkflow(
  z.object({
    tierId: z.uuid("unknown tier"),
    promo: z
      .string()
      .trim()
      .max(40)
      .optional()
      .transform((v) => v || null),
    currency: chosenCurrency,
    // A referrer's share code from the link (its shape is checked where it is looked up; an unknown one is ignored).
    ref: z
      .string()
      .trim()
      .max(40)
      .optional()
      .transform((v) => v || null),
  }),
  "signed-in",
  async ({ tierId, promo, currency, ref }, ctx) => {
    // Each attempt creates a Stripe session: a script must not mint thousands.
    const allowed = await consume("checkout", ctx.actor.id);
    if (!allowed.ok) throw new ActionError(RATE_LIMITED(allowed.retryAfterSeconds));
    return startCheckout(tierId, { ...ctx, origin: await appOrigin(), promo, currency, ref });
  },
);

/** Takes only the tier id; everything that costs money is read on the server. */
export async function checkoutAction(prev: ActionState<{ url: string }>, formData: FormData) {
  const result = await checkout(prev, formData);
  if (result.ok) redirect(result.data.url);
  return result;
}

const giftCheckout = communityWorkflow(giftInputSchema, "signed-in", async (input, ctx) => {
  const allowed = await consume("checkout", ctx.actor.id);
  if (!allowed.ok) throw new ActionError(RATE_LIMITED(allowed.retryAfterSeconds));
  return startGiftCheckout(input, { ...ctx, origin: await appOrigin() }, stripe());
});

/** A gift's Checkout: the tier, the length and a note; its price is read on the server. */
export async function giftCheckoutAction(prev: ActionState<{ url: string }>, formData: FormData) {
  const result = await giftCheckout(prev, formData);
  if (result.ok) redirect(result.data.url);
  return result;
}
