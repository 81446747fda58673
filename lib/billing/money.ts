// The one place money changes form: DECIMAL(10,2) strings in the database,
// integer minor units at the Stripe boundary. No floating point on the way.

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
