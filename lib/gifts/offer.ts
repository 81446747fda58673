// What a gift membership is and costs: some months of a monthly or yearly tier,
// at the tier's price for each period, or a pass tier's own access (some days,
// or for life) at its price; paid once, in the currency chosen. The owner turns
// gifts on in the community's settings (`settings.gifts`).
import { addDays, addMonths } from "date-fns";
import { z } from "zod";
import { chosenCurrency } from "../billing/amount-input";
import { toMinorUnits } from "../billing/money";
import { tierPriceIn } from "../tiers/prices";

/** What a gift gives: months of a monthly or yearly tier, or a pass tier's access (days; null: for life). */
export type GiftLength = { months: number } | { passDays: number | null };

/** The lengths a buyer may pick, in months, by the tier's billing interval. */
const LENGTHS: Record<string, readonly number[]> = { monthly: [1, 3, 6, 12], yearly: [12, 24] };

type PricedTier = { interval: string; price: string | { toFixed(digits: number): string }; currency: string; currencyPrices: unknown };
type GiftableTier = { interval: string; accessDays: number | null };

/** The gifts a tier can be bought as: its lengths in months, or its pass. */
export function giftLengths(tier: GiftableTier): GiftLength[] {
  if (tier.interval === "once") return [{ passDays: tier.accessDays }];
  return (LENGTHS[tier.interval] ?? []).map((months) => ({ months }));
}

/** The length a buyer asked for, if the tier offers it (a pass tier has one: its pass, whatever months say). */
export function pickGiftLength(tier: GiftableTier, months: number | undefined): GiftLength | null {
  return giftLengths(tier).find((length) => !("months" in length) || length.months === months) ?? null;
}

/** A gift of lifetime access (a pass tier's pass without an end). */
export const isLifetime = (length: GiftLength) => "passDays" in length && length.passDays === null;

/** A gift's length as its Checkout Session's metadata (and its payment's analytics event) carry it. */
export const giftLengthMetadata = (length: GiftLength): Record<string, string> =>
  "months" in length ? { gift_months: String(length.months) } : { gift_pass_days: String(length.passDays ?? "lifetime") };

const lengthMetadataSchema = z.object({
  gift_months: z.coerce.number().int().min(1).max(24).optional(),
  gift_pass_days: z.literal("lifetime").or(z.coerce.number().int().min(1).max(3650)).optional(),
});

/** The length giftLengthMetadata wrote, read back from Stripe's copy; null when there is not exactly one. */
export function giftLengthFromMetadata(metadata: unknown): GiftLength | null {
  const parsed = lengthMetadataSchema.safeParse(metadata);
  if (!parsed.success) return null;
  const { gift_months: months, gift_pass_days: passDays } = parsed.data;
  if ((months === undefined) === (passDays === undefined)) return null;
  return months !== undefined ? { months } : { passDays: passDays === "lifetime" ? null : passDays! };
}

/** A gift row's length (months, or a pass's days). */
export const giftLengthOf = (gift: { months: number | null; accessDays: number | null }): GiftLength =>
  gift.months !== null ? { months: gift.months } : { passDays: gift.accessDays };

export function describeGiftLength(length: GiftLength): string {
  if ("passDays" in length) return length.passDays === null ? "Lifetime access" : length.passDays === 1 ? "1 day" : `${length.passDays} days`;
  const { months } = length;
  if (months % 12 === 0) return months === 12 ? "1 year" : `${months / 12} years`;
  return months === 1 ? "1 month" : `${months} months`;
}

/** The gift as a phrase: "3 months of Pro", "30 days of Event pass", "Lifetime access to Founder pass". */
export function describeGift(length: GiftLength, tierName: string): string {
  return isLifetime(length) ? `Lifetime access to ${tierName}` : `${describeGiftLength(length)} of ${tierName}`;
}

/** How long the recipient holds it: "for 3 months", "for life". */
export const giftTerm = (length: GiftLength) => (isLifetime(length) ? "for life" : `for ${describeGiftLength(length)}`);

/** When a gift claimed now (or following access held until `from`) ends; null: never. */
export function giftEnds(from: Date, length: GiftLength): Date | null {
  if ("months" in length) return addMonths(from, length.months);
  return length.passDays === null ? null : addDays(from, length.passDays);
}

/** Whether the community sells gifts (off unless the owner turned them on). */
export function readGiftsOn(settings: unknown): boolean {
  return typeof settings === "object" && settings !== null && (settings as Record<string, unknown>).gifts === true;
}

/**
 * What Stripe charges for the gift: the tier's price for one period (in minor
 * units of the currency) times the periods, or the pass's price once (for a
 * pass whose buyer names the price, its minimum). Null where the tier is not
 * sold in that currency.
 */
export function giftCharge(tier: PricedTier, currency: string, length: GiftLength): { unitMinor: number; quantity: number; totalMinor: number } | null {
  const price = tierPriceIn(tier, currency);
  if (price === null) return null;
  const unitMinor = toMinorUnits(price, currency);
  const quantity = "passDays" in length ? 1 : tier.interval === "yearly" ? length.months / 12 : length.months;
  return { unitMinor, quantity, totalMinor: unitMinor * quantity };
}

/** The buyer's form: the tier, how long, and an optional note to the recipient. */
export const giftInputSchema = z.object({
  tierId: z.uuid("unknown tier"),
  // A pass tier's gift has no length to pick: its pass.
  months: z.coerce.number({ message: "pick how long" }).int("pick how long").min(1, "pick how long").max(24, "pick how long").optional(),
  currency: chosenCurrency,
  message: z
    .string()
    .trim()
    .max(200, "must be at most 200 characters")
    .optional()
    .transform((v) => v || null),
});
export type GiftInput = z.infer<typeof giftInputSchema>;

/** The note on the access grant a claimed gift makes (the member's details say "a gift they claimed"). */
export const GIFT_GRANT_NOTE = "gift";

/** A gift's link: whoever opens it and signs in may claim the months. */
export const giftLink = (origin: string, slug: string, code: string) => `${origin}/c/${slug}/gift/${code}`;

/** A code as the link carries it (the database makes 32 hex characters). */
export const giftCodeSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[0-9a-f]{32}$/);
