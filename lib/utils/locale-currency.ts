// The currency a visitor most likely pays in, from their browser's language
// region (Accept-Language), for pages that offer several. A small table of the
// currencies owners sell in; anything else falls back to the tier's own.
const BY_REGION: Record<string, string> = {
  US: "USD",
  GB: "GBP",
  CA: "CAD",
  AU: "AUD",
  NZ: "NZD",
  JP: "JPY",
  CH: "CHF",
  SE: "SEK",
  NO: "NOK",
  DK: "DKK",
  PL: "PLN",
  IN: "INR",
  BR: "BRL",
  MX: "MXN",
  DE: "EUR",
  FR: "EUR",
  ES: "EUR",
  IT: "EUR",
  NL: "EUR",
  BE: "EUR",
  AT: "EUR",
  IE: "EUR",
  PT: "EUR",
  FI: "EUR",
  GR: "EUR",
  LU: "EUR",
  SK: "EUR",
  SI: "EUR",
  EE: "EUR",
  LV: "EUR",
  LT: "EUR",
  HR: "EUR",
};
// A language without a region still says something.
const BY_LANGUAGE: Record<string, string> = {
  de: "EUR",
  fr: "EUR",
  es: "EUR",
  it: "EUR",
  nl: "EUR",
  pt: "EUR",
  fi: "EUR",
  el: "EUR",
  ja: "JPY",
  sv: "SEK",
  da: "DKK",
  pl: "PLN",
};

/** The first currency the Accept-Language header points to, among those offered. */
export function currencyForLocale(acceptLanguage: string | null, offered: Set<string>): string | null {
  for (const part of (acceptLanguage ?? "").split(",")) {
    const tag = part.split(";")[0]!.trim();
    if (!tag) continue;
    const [language, region] = tag.split("-");
    const currency = (region && BY_REGION[region.toUpperCase()]) || BY_LANGUAGE[language!.toLowerCase()];
    if (currency && offered.has(currency)) return currency;
  }
  return null;
}
