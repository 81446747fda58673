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
