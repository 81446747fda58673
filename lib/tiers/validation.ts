import { z } from "zod";
import { formatMoney, fromMinorUnits, STRIPE_MAX_MINOR_UNITS, stripeMinimumCharge, toMinorUnits } from "../billing/money";
import { checkbox } from "../utils/checkbox";
import { AMOUNT_PATTERN, currencyCode, isCurrencyCode, positiveAmount } from "../billing/amount-input";

const snowflake = /^\d{17,20}$/;

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .transform((v) => (v === "" ? null : v));

/** One field for the form, one array for the database: a feature per line. */
const features = z
  .string()
  .max(5000)
  .transform((v) =>
    v
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().max(200, "each feature must be at most 200 characters")).max(20, "at most 20 features"));

// Ticked boxes arrive as one value or several; a typed list (the API) as one comma-separated string.
const roleIds = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.trim() === "" ? [] : v.trim().split(/[\s,]+/)))
  .pipe(z.array(z.string().regex(snowflake, "must be roles of your server")).max(10, "at most 10 extra roles"));

// Checkboxes per linked server, each "<server id>:<role id>"; up to as many roles in each
// as in the own server (a role and 10 more).
const MAX_ROLES_PER_SERVER = 11;
const serverRoles = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => [...new Set((Array.isArray(v) ? v : [v]).filter((entry) => entry !== ""))])
  .pipe(
    z
      .array(z.string().regex(/^\d{17,20}:\d{17,20}$/, "must be roles of your linked servers"))
      // Ten linked servers at most (MAX_LINKED_SERVERS).
      .max(10 * MAX_ROLES_PER_SERVER, "too many roles")
      .transform((entries) => entries.map((entry) => ({ guildId: entry.split(":")[0]!, roleId: entry.split(":")[1]! })))
      .refine(
        (roles) => roles.every(({ guildId }) => roles.filter((r) => r.guildId === guildId).length <= MAX_ROLES_PER_SERVER),
        `at most ${MAX_ROLES_PER_SERVER} roles in each server`,
      ),
  );

export const tierInputSchema = z
  .object({
    name: z.string().trim().min(1, "is required").max(100, "must be at most 100 characters"),
    description: optionalText(1000),
    price: positiveAmount("9.99"),
    currency: currencyCode,
    interval: z.enum(["monthly", "yearly", "once"], { message: "must be monthly, yearly or one payment" }),
    features,
    discordRoleId: z
      .string({ message: "must be picked: a role of your server, or “No role”" })
      .trim()
      .refine((v) => v === "" || snowflake.test(v), "must be a role of your server")
      .transform((v) => (v === "" ? null : v)),
    extraRoleIds: roleIds.optional().default([]),
    serverRoles: serverRoles.optional().default([]),
    maxMembers: z
      .string()
      .trim()
      .transform((v) => (v === "" ? null : Number(v)))
      .pipe(z.number().int("must be a whole number").min(1, "must be at least 1").max(1_000_000).nullable()),
    trialDays: z.coerce.number().int("must be a whole number").min(0, "must be 0 or more").max(730, "must be 730 or fewer"),
    trialWithoutCard: checkbox,
    // A pass ("once"): how long it lasts (empty: for life), and pay what you want above the price.
    accessDays: z
      .union([z.literal(""), z.coerce.number().int("must be a whole number").min(1, "must be at least 1").max(3650, "must be 3650 or fewer")])
      .optional()
      .transform((v) => (v === "" || v === undefined ? null : v)),
    payWhatYouWant: checkbox,
    // Other currencies, a line each: "EUR 9.00".
    currencyPrices: z
      .string()
      .max(500)
      .optional()
      .transform((v, ctx) => {
        const prices: Record<string, string> = {};
        for (const line of (v ?? "")
          .split("\n")
          .map((l) => l.trim())
          .filter(Boolean)) {
          const match = /^([A-Za-z]{3})\s+(\d{1,8}(?:\.\d{1,2})?)$/.exec(line);
          const code = match?.[1]?.toUpperCase();
          if (!match || !code || !isCurrencyCode(code) || Number(match[2]) <= 0) {
            ctx.addIssue({ code: "custom", message: `“${line.slice(0, 30)}” should look like EUR 9.00` });
            return z.NEVER;
          }
          prices[code] = Number(match[2]).toFixed(2);
        }
        if (Object.keys(prices).length > 10) ctx.addIssue({ code: "custom", message: "at most 10 other currencies" });
        return prices;
      }),
    suggestedPrice: z
      .union([z.literal(""), z.string().trim().regex(AMOUNT_PATTERN, "must be an amount like 9.99")])
      .optional()
      .transform((v) => (v === "" || v === undefined ? null : v)),
  })
  .superRefine((tier, ctx) => {
    if (tier.trialWithoutCard && tier.trialDays === 0)
      ctx.addIssue({ code: "custom", path: ["trialWithoutCard"], message: "needs a free trial of at least a day" });
    const others = tier.currencyPrices ?? {};
    if (others[tier.currency]) ctx.addIssue({ code: "custom", path: ["currencyPrices"], message: `${tier.currency} is the tier's own currency` });
    if (tier.payWhatYouWant && Object.keys(others).length)
      ctx.addIssue({ code: "custom", path: ["currencyPrices"], message: "pay what you want is in the tier's own currency only" });
    for (const [code, price] of Object.entries(others)) {
      const problem = stripeAmountProblem(price, code);
      if (problem) ctx.addIssue({ code: "custom", path: ["currencyPrices"], message: `${code} ${price}: ${problem}` });
    }
    if (tier.interval === "once") {
      if (tier.trialDays > 0) ctx.addIssue({ code: "custom", path: ["trialDays"], message: "a pass has no trial" });
      if (tier.suggestedPrice !== null && !tier.payWhatYouWant) ctx.addIssue({ code: "custom", path: ["suggestedPrice"], message: "is for pay what you want" });
      if (tier.suggestedPrice !== null && Number(tier.suggestedPrice) < Number(tier.price))
        ctx.addIssue({ code: "custom", path: ["suggestedPrice"], message: "must be at least the minimum price" });
    } else {
      if (tier.accessDays !== null) ctx.addIssue({ code: "custom", path: ["accessDays"], message: "is for one-payment passes" });
      if (tier.payWhatYouWant) ctx.addIssue({ code: "custom", path: ["payWhatYouWant"], message: "is for one-payment passes" });
    }
    for (const [path, amount] of [
      ["price", tier.price],
      ["suggestedPrice", tier.suggestedPrice],
    ] as const) {
      const problem = amount === null ? null : stripeAmountProblem(amount, tier.currency);
      if (problem) ctx.addIssue({ code: "custom", path: [path], message: problem });
    }
  });

/** Why Stripe could not charge this amount in this currency, or null. */
function stripeAmountProblem(amount: string, currency: string): string | null {
  let minor: number;
  try {
    minor = toMinorUnits(amount, currency);
  } catch {
    return `must be a whole amount in ${currency}`;
  }
  if (minor > STRIPE_MAX_MINOR_UNITS) return `must be at most ${fromMinorUnits(STRIPE_MAX_MINOR_UNITS, currency)} ${currency}, Stripe's largest charge`;
  const minimum = stripeMinimumCharge(currency);
  // Zero or less is refused on its own ("must be more than 0").
  return minimum !== null && minor > 0 && minor < minimum
    ? `must be at least ${formatMoney(fromMinorUnits(minimum, currency), currency)}, Stripe's smallest charge (it carries a smaller one over to the member's next bill)`
    : null;
}

export type TierInput = z.output<typeof tierInputSchema>;

export const tierRefSchema = z.object({ tierId: z.uuid("unknown tier") });
export const moveTierSchema = tierRefSchema.extend({ direction: z.enum(["up", "down"]) });
export const setTierActiveSchema = tierRefSchema.extend({ active: z.enum(["true", "false"]).transform((v) => v === "true") });
