import type Stripe from "stripe";
import { toMinorUnits } from "../billing/money";
import { otherCurrencyPrices } from "./prices";

export type TierForStripe = {
  id: string;
  communityId: string;
  name: string;
  description: string | null;
  price: { toString(): string };
  currency: string;
  interval: string;
  isActive: boolean;
  stripeProductId: string | null;
  stripePriceId: string | null;
  payWhatYouWant: boolean;
  suggestedPrice: { toString(): string } | null;
  /** Other currencies, e.g. {"EUR": "9.00"}. */
  currencyPrices: unknown;
};

/** A tier's other currencies as Stripe's currency_options (lower-case codes, minor units), sorted. */
export function currencyOptions(tier: Pick<TierForStripe, "currencyPrices" | "currency">): Record<string, { unit_amount: number }> {
  return Object.fromEntries(
    Object.entries(otherCurrencyPrices(tier))
      .filter(([code]) => code !== tier.currency)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([code, price]) => [code.toLowerCase(), { unit_amount: toMinorUnits(price, code) }]),
  );
}

const STRIPE_INTERVAL = { monthly: "month", yearly: "year" } as const;

export type TaxBehavior = "unspecified" | "exclusive" | "inclusive";
/** A community's Stripe Tax setting as a Price's tax_behavior. */
export const taxBehavior = (taxMode: "off" | "exclusive" | "inclusive"): TaxBehavior => (taxMode === "off" ? "unspecified" : taxMode);

/**
 * Mirrors a tier as a Product + Price on the community's connected account.
 * Prices are immutable: a new amount, currency, interval or tax behaviour
 * makes a new Price and archives the old one (members keep the price they
 * subscribed at until they switch). Every create carries an idempotency key derived
 * from the tier and what it asks for, so a retry never makes a duplicate.
 * Call it outside any database transaction.
 */
export async function syncTierToStripe(client: Stripe, stripeAccount: string, tier: TierForStripe, tax: TaxBehavior = "unspecified") {
  const scope = { stripeAccount };
  const metadata = { tier_id: tier.id, community_id: tier.communityId };

  const productId = tier.stripeProductId
    ? (await client.products.update(tier.stripeProductId, { name: tier.name, description: tier.description ?? "", active: tier.isActive }, scope)).id
    : (
        await client.products.create(
          { name: tier.name, ...(tier.description ? { description: tier.description } : {}), active: tier.isActive, metadata },
          { ...scope, idempotencyKey: `tier-${tier.id}-product` },
        )
      ).id;

  const unitAmount = toMinorUnits(tier.price, tier.currency);
  const currency = tier.currency.toLowerCase();
  const once = tier.interval === "once";
  const interval = once ? null : STRIPE_INTERVAL[tier.interval as keyof typeof STRIPE_INTERVAL];
  if (!once && !interval) throw new Error(`unknown interval ${tier.interval}`);
  // A pass at the member's price: Stripe's custom amount, the tier's price its minimum.
  const preset = tier.payWhatYouWant && tier.suggestedPrice ? toMinorUnits(tier.suggestedPrice, tier.currency) : null;
  const amount = tier.payWhatYouWant
    ? { custom_unit_amount: { enabled: true, minimum: unitAmount, ...(preset ? { preset } : {}) } }
    : { unit_amount: unitAmount };

  const options = currencyOptions(tier);
  const optionsKey = Object.entries(options)
    .map(([c, o]) => `${c}${o.unit_amount}`)
    .join("_");
  if (tier.stripePriceId) {
    const current = await client.prices.retrieve(tier.stripePriceId, { expand: ["currency_options"] }, scope);
    // Stripe lists the price's own currency among its options too.
    const currentOptions = Object.entries(current.currency_options ?? {})
      .filter(([code]) => code !== current.currency)
      .map(([code, o]) => `${code}${o.unit_amount}`)
      .sort()
      .join("_");
    const sameAmount = tier.payWhatYouWant
      ? current.custom_unit_amount?.minimum === unitAmount && (current.custom_unit_amount?.preset ?? null) === preset
      : current.unit_amount === unitAmount && !current.custom_unit_amount;
    const same =
      sameAmount &&
      currentOptions === optionsKey &&
      current.currency === currency &&
      (current.recurring?.interval ?? null) === interval &&
      (current.tax_behavior ?? "unspecified") === tax;
    if (same && current.active) return { productId, priceId: current.id };
  }

  const shape = tier.payWhatYouWant ? `pwyw-${unitAmount}-${preset ?? "none"}` : `${unitAmount}`;
  let price = await client.prices.create(
    {
      product: productId,
      currency,
      ...amount,
      ...(interval ? { recurring: { interval } } : {}),
      metadata,
      ...(tax !== "unspecified" ? { tax_behavior: tax } : {}),
      ...(optionsKey ? { currency_options: options } : {}),
    },
    // The key names what the price is; an untaxed, one-currency one keeps the key it had before taxes and currencies existed here.
    {
      ...scope,
      idempotencyKey: `tier-${tier.id}-price-${shape}-${currency}-${interval ?? "once"}${tax === "unspecified" ? "" : `-${tax}`}${optionsKey ? `-${optionsKey}` : ""}`,
    },
  );
  // Going back to an earlier amount replays that earlier (archived) Price: bring it back.
  if (!price.active) price = await client.prices.update(price.id, { active: true }, scope);
  if (tier.stripePriceId && tier.stripePriceId !== price.id) {
    // No idempotency key: an update is idempotent by itself, and a replayed key
    // would skip archiving the same price again after A -> B -> A -> B.
    await client.prices.update(tier.stripePriceId, { active: false }, scope);
  }
  return { productId, priceId: price.id };
}
