// What a gift membership is and costs: some months of a monthly or yearly tier,
// paid once, at the tier's price for each period in the currency chosen. The
// owner turns gifts on in the community's settings (`settings.gifts`).
import { z } from "zod";
import { chosenCurrency } from "../billing/amount-input";
import { toMinorUnits } from "../billing/money";
import { tierPriceIn } from "../tiers/prices";

/** The lengths a buyer may pick, in months, by the tier's billing interval. */
const LENGTHS: Record<string, readonly number[]> = { monthly: [1, 3, 6, 12], yearly: [12, 24] };

export function giftLengths(interval: string): readonly number[] {
  return LENGTHS[interval] ?? [];
}

export function describeGiftLength(months: number): string {
  if (months % 12 === 0) return months === 12 ? "1 year" : `${months / 12} years`;
  return months === 1 ? "1 month" : `${months} months`;
}

/** Whether the community sells gifts (off unless the owner turned them on). */
export function readGiftsOn(settings: unknown): boolean {
  return typeof settings === "object" && settings !== null && (settings as Record<string, unknown>).gifts === true;
}

type GiftableTier = { interval: string; price: string | { toFixed(digits: number): string }; currency: string; currencyPrices: unknown };

/**
 * What Stripe charges for the gift: the tier's price for one period (in minor
 * units of the currency) times the periods. Null where the tier is not sold in
 * that currency or the length is not offered for it.
 */
export function giftCharge(tier: GiftableTier, currency: string, months: number): { unitMinor: number; quantity: number; totalMinor: number } | null {
  if (!giftLengths(tier.interval).includes(months)) return null;
  const price = tierPriceIn(tier, currency);
  if (price === null) return null;
  const unitMinor = toMinorUnits(price, currency);
  const quantity = tier.interval === "yearly" ? months / 12 : months;
  return { unitMinor, quantity, totalMinor: unitMinor * quantity };
}

/** The buyer's form: the tier, how long, and an optional note to the recipient. */
export const giftInputSchema = z.object({
  tierId: z.uuid("unknown tier"),
  months: z.coerce.number({ message: "pick how long" }).int("pick how long").min(1, "pick how long").max(24, "pick how long"),
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
