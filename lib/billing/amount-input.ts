// Amounts and currencies as owners type them into forms: up to eight whole
// digits and two decimals (what payments.amount and Stripe's largest charge
// hold), and an ISO 4217 code.
import { z } from "zod";

/** 9.99, 12, 4.50: the amount pattern every money field takes. */
export const AMOUNT_PATTERN = /^\d{1,8}(\.\d{1,2})?$/;

const CURRENCIES = new Set(Intl.supportedValuesOf("currency"));
/** Whether this is an ISO 4217 code (upper case). */
export const isCurrencyCode = (code: string) => CURRENCIES.has(code);

/** An amount as typed, more than zero ("must be an amount like 9.99" with the form's own example). */
export const positiveAmount = (example: string) =>
  z
    .string()
    .trim()
    .regex(AMOUNT_PATTERN, `must be an amount like ${example}`)
    .refine((v) => Number(v) > 0, "must be more than 0");

/** An ISO 4217 currency code, upper-cased. */
export const currencyCode = z.string().trim().toUpperCase().refine(isCurrencyCode, "must be an ISO currency code, e.g. USD");

/** A buyer's pick among a tier's currencies (a hidden field; absent or empty: the tier's own). Whether the tier is sold in it is checked where it is used. */
export const chosenCurrency = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{3}$/, "not a currency")
  .optional()
  .transform((v) => (v ? v.toUpperCase() : null));
