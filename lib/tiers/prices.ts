// A tier's price in a currency it is sold in: its own, or one of its other
// currencies (`subscription_tiers.currency_prices`, one Stripe Price with
// currency_options). Pure, for every page that shows what a member pays.

type Priced = { price: string | { toFixed(digits: number): string }; currency: string; currencyPrices: unknown };

/** The tier's other currencies as stored ({"EUR": "9.00"}); a malformed value offers none. */
export function otherCurrencyPrices(tier: { currencyPrices: unknown }): Record<string, string> {
  const value = tier.currencyPrices;
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, string>) : {};
}

/** The price (a DECIMAL string) of the tier in this currency, or null where it is not sold in it. */
export function tierPriceIn(tier: Priced, currency: string): string | null {
  const code = currency.toUpperCase();
  if (code === tier.currency.toUpperCase()) return typeof tier.price === "string" ? tier.price : tier.price.toFixed(2);
  return otherCurrencyPrices(tier)[code] ?? null;
}
