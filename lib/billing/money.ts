// Money, in one module: DECIMAL(10,2) strings in the database, integer minor
// units at the Stripe boundary (no floating point on the way), and how an amount
// reads to people. No server imports: client components use it too.

// Stripe's zero-decimal currencies: an amount of 500 JPY is sent as 500.
const ZERO_DECIMAL = new Set(["BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"]);

export function minorUnitDigits(currency: string): 0 | 2 {
  return ZERO_DECIMAL.has(currency.toUpperCase()) ? 0 : 2;
}

const AMOUNT = /^(\d{1,8})(?:\.(\d{1,2}))?$/;

/** "12.34" USD -> 1234; "500" or "500.00" JPY -> 500. Refuses what a DECIMAL(10,2) cannot hold. */
export function toMinorUnits(amount: string | { toString(): string }, currency: string): number {
  const match = AMOUNT.exec(amount.toString().trim());
  if (!match) throw new RangeError(`not an amount: ${amount.toString()}`);
  const [, whole, fraction = ""] = match;
  if (minorUnitDigits(currency) === 0) {
    if (/[1-9]/.test(fraction)) throw new RangeError(`${currency.toUpperCase()} has no minor units: ${amount.toString()}`);
    return Number(whole);
  }
  return Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
}

/** 1234 USD -> "12.34"; 500 JPY -> "500.00" (the database's DECIMAL(10,2) form). */
export function fromMinorUnits(minor: number, currency: string): string {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`not a whole number of minor units: ${minor}`);
  if (minorUnitDigits(currency) === 0) return `${minor}.00`;
  const sign = minor < 0 ? "-" : "";
  const abs = Math.abs(minor);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/** Formats a DECIMAL(10,2) amount (as string or number) in its currency. */
export function formatMoney(amount: string | number | { toString(): string }, currency: string, locale = "en-US"): string {
  const value = typeof amount === "number" ? amount : Number(amount.toString());
  return new Intl.NumberFormat(locale, { style: "currency", currency: currency.toUpperCase() }).format(value);
}

/** A community's currency for totals that carry none: the one most of its tiers use. */
export function mainCurrency(tiers: { currency: string }[], fallback = "USD"): string {
  const counts = new Map<string, number>();
  for (const t of tiers) counts.set(t.currency, (counts.get(t.currency) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? fallback;
}
