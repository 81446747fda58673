/** Formats a DECIMAL(10,2) amount (as string or number) in its currency. */
export function formatMoney(amount: string | number | { toString(): string }, currency: string, locale = "en-US"): string {
  const value = typeof amount === "number" ? amount : Number(amount.toString());
  return new Intl.NumberFormat(locale, { style: "currency", currency: currency.toUpperCase() }).format(value);
}
