// Promotion codes an owner makes in the dashboard: a coupon (percent or amount
// off, once, for some months or for good, limited to some tiers' products) and
// a promotion code for it (a limit of redemptions, first-time customers only,
// an expiry) on the community's connected Stripe account, mirrored in
// promotion_codes. A shared link /c/<slug>?promo=CODE applies it at checkout.
import Stripe from "stripe";
import { z } from "zod";
import { ActionError } from "../core/errors";
import { type Actor, type CommunityRef } from "../core/actors";
import type { TenantTx } from "../db/scopes";
import { checkbox } from "../utils/checkbox";
import { formatMoney } from "./money";
import { toMinorUnits } from "./money";

const FIELDS_ERROR = "Please correct the highlighted fields.";

export const promotionInputSchema = z
  .object({
    code: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{3,40}$/, "3 to 40 letters, digits, - or _")
      .transform((v) => v.toUpperCase()),
    kind: z.enum(["percent", "amount"], { message: "choose percent or amount off" }),
    value: z.coerce.number({ message: "must be a number" }).positive("must be more than 0"),
    duration: z.enum(["once", "repeating", "forever"], { message: "choose how long it lasts" }),
    months: z.union([z.literal(""), z.coerce.number().int("must be a whole number").min(1, "at least 1").max(36, "at most 36")]).optional(),
    maxRedemptions: z.union([z.literal(""), z.coerce.number().int("must be a whole number").min(1, "at least 1").max(100_000)]).optional(),
    firstTimeOnly: checkbox,
    expiresOn: z.union([z.literal(""), z.iso.date({ message: "must be a date" })]).optional(),
    tierIds: z
      .union([z.uuid(), z.array(z.uuid())])
      .optional()
      .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v])),
  })
  .superRefine((input, ctx) => {
    if (input.kind === "percent" && input.value > 100) ctx.addIssue({ code: "custom", path: ["value"], message: "a percentage is at most 100" });
    if (input.duration === "repeating" && !input.months) ctx.addIssue({ code: "custom", path: ["months"], message: "how many months?" });
  });
export type PromotionInput = z.output<typeof promotionInputSchema>;

/** "20% off" or "$5.00 off". */
export const describeOff = (p: { percentOff: { toString(): string } | null; amountOff: { toString(): string } | null; currency: string | null }) =>
  p.percentOff !== null ? `${Number(p.percentOff.toString())}% off` : `${formatMoney(p.amountOff!.toString(), p.currency ?? "USD")} off`;

/** Whether a code can be used on a payment in this currency: an amount off is in one currency only (Stripe refuses it in another). */
export const promotionAppliesIn = (p: { amountOff: unknown; currency: string | null }, currency: string) =>
  p.amountOff === null || (p.currency ?? "").toUpperCase() === currency.toUpperCase();

export const describeDuration = (p: { duration: string; durationInMonths: number | null }) =>
  p.duration === "once" ? "the first payment" : p.duration === "forever" ? "every payment" : `${p.durationInMonths} months`;

/**
 * Makes the coupon and the promotion code at Stripe (outside any transaction),
 * then records them. Tiers it is limited to must be on Stripe already.
 */
export async function createPromotion(
  input: PromotionInput,
  ctx: { actor: Actor; community: CommunityRef; inScope: <T>(fn: (tx: TenantTx) => Promise<T>) => Promise<T>; currency: string },
  client: Stripe,
  now = new Date(),
) {
  const { community } = ctx;
  if (!community.stripeAccountId) throw new ActionError("Connect Stripe (Payouts) before making promotion codes.");
  const expiresAt = input.expiresOn ? new Date(`${input.expiresOn}T23:59:59Z`) : null;
  if (expiresAt && expiresAt <= now) throw new ActionError(FIELDS_ERROR, { expiresOn: ["must be a day to come"] });
  const tiers = await ctx.inScope(async (tx) => {
    if (await tx.promotionCode.findUnique({ where: { communityId_code: { communityId: community.id, code: input.code } }, select: { id: true } })) {
      throw new ActionError(FIELDS_ERROR, { code: ["you already have a code with this name"] });
    }
    return tx.subscriptionTier.findMany({ where: { id: { in: input.tierIds } }, select: { id: true, name: true, stripeProductId: true } });
  });
  if (tiers.length !== input.tierIds.length) throw new ActionError(FIELDS_ERROR, { tierIds: ["pick tiers of this community"] });
  const unsynced = tiers.filter((t) => !t.stripeProductId).map((t) => t.name);
  if (unsynced.length)
    throw new ActionError(FIELDS_ERROR, {
      tierIds: [`${unsynced.join(", ")} ${unsynced.length === 1 ? "is" : "are"} not on Stripe yet ("Sync to Stripe" on Tiers)`],
    });

  const stripeAccount = community.stripeAccountId;
  const months = input.duration === "repeating" ? Number(input.months) : null;
  try {
    const coupon = await client.coupons.create(
      {
        ...(input.kind === "percent"
          ? { percent_off: input.value }
          : { amount_off: toMinorUnits(input.value.toFixed(2), ctx.currency), currency: ctx.currency.toLowerCase() }),
        duration: input.duration,
        ...(months ? { duration_in_months: months } : {}),
        ...(tiers.length ? { applies_to: { products: tiers.map((t) => t.stripeProductId!) } } : {}),
        name: input.code,
        metadata: { community_id: community.id },
      },
      { stripeAccount },
    );
    const promotion = await client.promotionCodes.create(
      {
        promotion: { type: "coupon", coupon: coupon.id },
        code: input.code,
        ...(input.maxRedemptions ? { max_redemptions: Number(input.maxRedemptions) } : {}),
        ...(expiresAt ? { expires_at: Math.floor(expiresAt.getTime() / 1000) } : {}),
        restrictions: { first_time_transaction: input.firstTimeOnly },
        metadata: { community_id: community.id },
      },
      { stripeAccount },
    );
    await ctx.inScope((tx) =>
      tx.promotionCode.create({
        data: {
          communityId: community.id,
          code: input.code,
          stripeCouponId: coupon.id,
          stripePromotionCodeId: promotion.id,
          percentOff: input.kind === "percent" ? input.value.toFixed(2) : null,
          amountOff: input.kind === "amount" ? input.value.toFixed(2) : null,
          currency: input.kind === "amount" ? ctx.currency : null,
          duration: input.duration,
          durationInMonths: months,
          maxRedemptions: input.maxRedemptions ? Number(input.maxRedemptions) : null,
          firstTimeOnly: input.firstTimeOnly,
          expiresAt,
          tierIds: tiers.map((t) => t.id),
          createdBy: ctx.actor.id,
        },
        select: { id: true },
      }),
    );
    return { code: input.code, link: `/c/${community.slug}?promo=${encodeURIComponent(input.code)}` };
  } catch (error) {
    // Stripe's own refusal (a code already used on the account...) in its words.
    if (error instanceof Stripe.errors.StripeInvalidRequestError) throw new ActionError(`Stripe refused the code: ${error.message}`);
    throw error;
  }
}

/** How often each code was redeemed, as Stripe counts it; null when Stripe can't be asked now. */
export async function redemptionCounts(client: Stripe, stripeAccount: string): Promise<Map<string, number> | null> {
  try {
    const list = await client.promotionCodes.list({ limit: 100 }, { stripeAccount });
    return new Map(list.data.map((p) => [p.id, p.times_redeemed]));
  } catch {
    return null;
  }
}

/**
 * The code of a shared link, if it can be used now for this tier: active, not
 * expired, not limited to other tiers. Stripe checks the rest (its limits) at checkout.
 */
export async function usablePromotion(tx: TenantTx, code: string, tierId: string | null, now = new Date()) {
  const parsed = z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{3,40}$/)
    .safeParse(code);
  if (!parsed.success) return null;
  const row = await tx.promotionCode.findFirst({
    where: { code: parsed.data.toUpperCase(), active: true, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
    select: {
      code: true,
      stripePromotionCodeId: true,
      tierIds: true,
      percentOff: true,
      amountOff: true,
      currency: true,
      duration: true,
      durationInMonths: true,
    },
  });
  if (!row || (tierId && row.tierIds.length > 0 && !row.tierIds.includes(tierId))) return null;
  return row;
}

/** The community's codes, newest first, for the Promotions page. */
export function listPromotionCodes(tx: TenantTx) {
  return tx.promotionCode.findMany({ orderBy: { createdAt: "desc" } });
}
