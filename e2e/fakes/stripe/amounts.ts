// Stripe's own reading of an amount in minor units, per currency
// (https://docs.stripe.com/currencies), written apart from the app's money module
// on purpose: the fake is the check on it, so it must not share its tables.

const ZERO_DECIMAL = "bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf".split(" ");
const THREE_DECIMAL = "bhd jod kwd omr tnd".split(" ");

function digits(currency: string): number {
  const code = currency.toLowerCase();
  return ZERO_DECIMAL.includes(code) ? 0 : THREE_DECIMAL.includes(code) ? 3 : 2;
}

/** 999 usd -> "9.99"; 500 jpy -> "500"; 9990 kwd -> "9.990": the amount as a buyer reads and types it. */
export function decimal(minor: number, currency: string): string {
  const d = digits(currency);
  return (minor / 10 ** d).toFixed(d);
}

/** "9.99 USD", "500 JPY", "9.990 KWD", as Checkout shows amounts. */
export const shown = (minor: number, currency: string) => `${decimal(minor, currency)} ${currency.toUpperCase()}`;

/** A decimal amount a buyer types (pay what you want) in minor units. */
export function typedToMinor(typed: string, currency: string): number {
  return Math.round(Number(typed) * 10 ** digits(currency));
}

/** The step of an amount input in this currency ("0.01", "1", "0.001"). */
export function inputStep(currency: string): string {
  const d = digits(currency);
  return d === 0 ? "1" : (1 / 10 ** d).toFixed(d);
}

/** Stripe's refusal of an amount it cannot charge in this currency, or null. */
export function unchargeable(minor: number, currency: string): string | null {
  const code = currency.toLowerCase();
  if (code === "isk" && minor % 100 !== 0)
    return "Invalid amount. Currency ISK has become effectively zero-decimal and charged amounts must be evenly divisible by 100. See https://stripe.com/docs/currencies#special-cases for more information.";
  if (THREE_DECIMAL.includes(code) && minor % 10 !== 0)
    return `Invalid amount. Amounts in ${code.toUpperCase()} must end in 0: three-decimal currencies are charged in tens of their minor unit. See https://stripe.com/docs/currencies#three-decimal for more information.`;
  return null;
}

// ISO codes Stripe charges in none of its accounts (sanctioned, or units of account
// rather than money). Stripe's real list is an allowlist of some 135 currencies;
// these are the ones the fake can refuse without guessing.
const NEVER_CHARGED = "cup irr kpw syp xdr xsu".split(" ");

/** Stripe's refusal of a currency it does not charge in, or null. */
export function unsupportedCurrency(currency: string): string | null {
  return NEVER_CHARGED.includes(currency.toLowerCase()) ? `Invalid currency: ${currency.toLowerCase()}.` : null;
}
