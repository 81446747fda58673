// Money, in one module: DECIMAL(10,2) strings in the database, integer minor
// units at the Stripe boundary (no floating point on the way), and how an amount
// reads to people. No server imports: client components use it too.

// How Stripe counts each currency's amounts (https://docs.stripe.com/currencies):
// zero-decimal currencies in whole units (500 JPY is 500); three-decimal ones in
// thousandths, charged in tens only (9.99 KWD is 9990: sent as 999 it would charge
// 0.999 KWD); the rest in hundredths. ISK counts hundredths but is charged in whole
// krónur only (Stripe refuses an amount not divisible by 100).
const ZERO_DECIMAL = new Set(["BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"]);
const THREE_DECIMAL = new Set(["BHD", "JOD", "KWD", "OMR", "TND"]);
const WHOLE_UNITS_ONLY = new Set(["ISK"]);

export function minorUnitDigits(currency: string): 0 | 2 | 3 {
  const code = currency.toUpperCase();
  return ZERO_DECIMAL.has(code) ? 0 : THREE_DECIMAL.has(code) ? 3 : 2;
}

/** Whether Stripe charges the currency in whole units only, whatever it counts in. */
const wholeUnitsOnly = (currency: string) => minorUnitDigits(currency) === 0 || WHOLE_UNITS_ONLY.has(currency.toUpperCase());

const AMOUNT = /^(\d{1,8})(?:\.(\d{1,2}))?$/;

/**
 * "12.34" USD -> 1234; "500" JPY -> 500; "9.99" KWD -> 9990. Refuses what a
 * DECIMAL(10,2) cannot hold, and fractions where Stripe charges whole units only.
 */
export function toMinorUnits(amount: string | { toString(): string }, currency: string): number {
  const match = AMOUNT.exec(amount.toString().trim());
  if (!match) throw new RangeError(`not an amount: ${amount.toString()}`);
  const [, whole, fraction = ""] = match;
  if (wholeUnitsOnly(currency) && /[1-9]/.test(fraction)) throw new RangeError(`${currency.toUpperCase()} is charged in whole units: ${amount.toString()}`);
  const hundredths = Number(fraction.padEnd(2, "0"));
  switch (minorUnitDigits(currency)) {
    case 0:
      return Number(whole);
    case 3:
      return Number(whole) * 1000 + hundredths * 10;
    default:
      return Number(whole) * 100 + hundredths;
  }
}

/**
 * 1234 USD -> "12.34"; 500 JPY -> "500.00"; 9990 KWD -> "9.99" (the database's
 * DECIMAL(10,2) form). Stripe charges three-decimal currencies in tens; a
 * thousandth it computed itself (a prorated line, say) is dropped, towards zero,
 * so that a refund made from our record never exceeds what was charged.
 */
export function fromMinorUnits(minor: number, currency: string): string {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`not a whole number of minor units: ${minor}`);
  const digits = minorUnitDigits(currency);
  if (digits === 0) return `${minor}.00`;
  const sign = minor < 0 ? "-" : "";
  const hundredths = digits === 3 ? Math.trunc(Math.abs(minor) / 10) : Math.abs(minor);
  return `${sign}${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, "0")}`;
}

/** Stripe takes amounts of up to eight digits in minor units: 999,999.99 USD, 99,999,999 JPY. */
export const STRIPE_MAX_MINOR_UNITS = 99_999_999;

/**
 * Stripe's smallest charge where it is published, as amounts (docs.stripe.com/currencies,
 * "Minimum and maximum charge amounts"). It holds in the account's settlement currency;
 * for a price in that same currency (the usual case) this is exact, for another it is
 * close (Stripe converts first). Below it Stripe charges nothing and carries the amount
 * over to the customer's next bill, so a tier priced under it is never paid on time.
 */
const STRIPE_MINIMUM_CHARGE: Record<string, string> = {
  USD: "0.50",
  AED: "2.00",
  AUD: "0.50",
  BGN: "1.00",
  BRL: "0.50",
  CAD: "0.50",
  CHF: "0.50",
  CZK: "15.00",
  DKK: "2.50",
  EUR: "0.50",
  GBP: "0.30",
  HKD: "4.00",
  HUF: "175.00",
  INR: "0.50",
  JPY: "50",
  MXN: "10.00",
  MYR: "2.00",
  NOK: "3.00",
  NZD: "0.50",
  PLN: "2.00",
  RON: "2.00",
  SEK: "3.00",
  SGD: "0.50",
  THB: "10.00",
};

/** Stripe's smallest charge in this currency, in minor units, where it is published (null elsewhere). */
export function stripeMinimumCharge(currency: string): number | null {
  const minimum = STRIPE_MINIMUM_CHARGE[currency.toUpperCase()];
  return minimum === undefined ? null : toMinorUnits(minimum, currency);
}

/** Rounds minor units to what Stripe takes in a charge of this currency (tens for three-decimal ones, whole ISK). */
export function chargeableMinorUnits(minor: number, currency: string): number {
  const step = minorUnitDigits(currency) === 3 ? 10 : WHOLE_UNITS_ONLY.has(currency.toUpperCase()) ? 100 : 1;
  return Math.round(minor / step) * step;
}

/** Formats a DECIMAL(10,2) amount (as string or number) in its currency. */
export function formatMoney(amount: string | number | { toString(): string }, currency: string, locale = "en-US"): string {
  const value = typeof amount === "number" ? amount : Number(amount.toString());
  return new Intl.NumberFormat(locale, { style: "currency", currency: currency.toUpperCase() }).format(value);
}

/** A total paid in one or more currencies ("€9.00 + $10.00"); nothing paid reads as zero in the fallback currency. */
export function formatTotals(totals: { currency: string; amount: string }[], fallbackCurrency: string): string {
  return totals.length === 0 ? formatMoney(0, fallbackCurrency) : totals.map((t) => formatMoney(t.amount, t.currency)).join(" + ");
}

/** A community's currency for totals that carry none: the one most of its tiers use. */
export function mainCurrency(tiers: { currency: string }[], fallback = "USD"): string {
  const counts = new Map<string, number>();
  for (const t of tiers) counts.set(t.currency, (counts.get(t.currency) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? fallback;
}
