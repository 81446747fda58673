// The parts of Stripe's objects the webhook reads, validated with zod. A signed
// event is still outside input: a shape we do not expect is refused and
// recorded, never half-applied. Both the current API's shapes (invoice.parent,
// invoice.payments) and the older top-level fields are understood, so an
// endpoint pinned to an older API version works the same.
import { z } from "zod";

const stripeId = z.string().min(3).max(255);
/** A field Stripe may send as an id or as the expanded object. */
const ref = z.union([stripeId, z.object({ id: stripeId })]).transform((value) => (typeof value === "string" ? value : value.id));
const unixTime = z.number().int().nonnegative();
const metadata = z
  .record(z.string(), z.string())
  .nullish()
  .transform((value) => value ?? {});
const currency = z
  .string()
  .regex(/^[a-zA-Z]{3}$/)
  .transform((value) => value.toUpperCase());
const amount = z.number().int().nonnegative();

export const SUBSCRIPTION_STATUSES = ["incomplete", "incomplete_expired", "trialing", "active", "past_due", "canceled", "unpaid", "paused"] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

export const eventSchema = z.object({
  id: z.string().regex(/^evt_\w{1,250}$/, "not a Stripe event id"),
  type: z.string().min(1).max(100),
  created: unixTime,
  livemode: z.boolean().default(false),
  account: z
    .string()
    .regex(/^acct_\w{1,96}$/)
    .optional(),
  data: z.object({ object: z.record(z.string(), z.unknown()).and(z.object({ id: z.string().optional() })) }),
});
export type StripeEventEnvelope = z.infer<typeof eventSchema>;

export const subscriptionSchema = z
  .object({
    id: stripeId,
    object: z.literal("subscription"),
    status: z.enum(SUBSCRIPTION_STATUSES),
    customer: ref,
    // The currency it bills in (a price may have several).
    currency: currency.nullish(),
    metadata,
    cancel_at_period_end: z.boolean().default(false),
    // Set while payment collection is paused (the status stays "active"); resumes_at null: until resumed by hand.
    pause_collection: z.object({ behavior: z.enum(["keep_as_draft", "mark_uncollectible", "void"]), resumes_at: unixTime.nullish() }).nullish(),
    cancellation_details: z.object({ feedback: z.string().max(40).nullish(), comment: z.string().nullish() }).nullish(),
    canceled_at: unixTime.nullish(),
    ended_at: unixTime.nullish(),
    trial_start: unixTime.nullish(),
    trial_end: unixTime.nullish(),
    created: unixTime,
    // Before the 2025 API the period lived on the subscription; now on its items.
    current_period_start: unixTime.optional(),
    current_period_end: unixTime.optional(),
    items: z.object({
      data: z
        .array(
          z.object({
            price: z.object({ id: stripeId, unit_amount: amount.nullish(), currency, recurring: z.object({ interval: z.string() }).nullish() }),
            current_period_start: unixTime.optional(),
            current_period_end: unixTime.optional(),
          }),
        )
        .min(1, "a subscription has at least one item"),
    }),
  })
  .transform((sub, ctx) => {
    const item = sub.items.data[0]!;
    const periodStart = item.current_period_start ?? sub.current_period_start;
    const periodEnd = item.current_period_end ?? sub.current_period_end;
    if (periodStart === undefined || periodEnd === undefined) {
      ctx.addIssue({ code: "custom", message: "the subscription has no current period" });
      return z.NEVER;
    }
    return { ...sub, price: item.price, periodStart, periodEnd };
  });
export type StripeSubscription = z.output<typeof subscriptionSchema>;

/** A Checkout Session's custom fields (the community's questions), with what the customer entered. Stripe allows three, 200 choices each. */
const sessionCustomFieldsSchema = z
  .array(
    z.object({
      key: z.string().max(200),
      label: z.object({ custom: z.string().max(100).nullish() }),
      type: z.string(),
      dropdown: z
        .object({ value: z.string().max(100).nullish(), options: z.array(z.object({ label: z.string().max(100), value: z.string().max(100) })).max(200) })
        .nullish(),
      numeric: z.object({ value: z.string().max(255).nullish() }).nullish(),
      text: z.object({ value: z.string().max(255).nullish() }).nullish(),
    }),
  )
  .max(3);

export const checkoutSessionSchema = z.object({
  id: stripeId,
  object: z.literal("checkout.session"),
  mode: z.string(),
  subscription: ref.nullish(),
  metadata,
  // A one-payment purchase (mode=payment): what was paid, and its PaymentIntent.
  payment_status: z.string().nullish(),
  payment_intent: ref.nullish(),
  amount_total: amount.nullish(),
  currency: currency.nullish(),
  customer: ref.nullish(),
  total_details: z.object({ amount_tax: amount.nullish() }).nullish(),
  created: unixTime.optional(),
  // The community's checkout questions, with the member's answers.
  custom_fields: sessionCustomFieldsSchema.nullish(),
});
export type StripeCheckoutSession = z.output<typeof checkoutSessionSchema>;

export const invoiceSchema = z
  .object({
    id: stripeId,
    object: z.literal("invoice"),
    status: z.string().nullish(),
    billing_reason: z.string().nullish(),
    customer: ref,
    currency,
    amount_due: amount,
    amount_paid: amount,
    created: unixTime,
    description: z.string().max(5000).nullish(),
    hosted_invoice_url: z
      .url({ protocol: /^https?$/ })
      .max(2000)
      .nullish(),
    // Stripe Tax: total_taxes in the current API, tax before 2025.
    total_taxes: z.array(z.object({ amount })).nullish(),
    tax: amount.nullish(),
    number: z.string().max(100).nullish(),
    status_transitions: z.object({ paid_at: unixTime.nullish() }).nullish(),
    subscription: ref.nullish(),
    parent: z.object({ subscription_details: z.object({ subscription: ref }).nullish() }).nullish(),
    payment_intent: ref.nullish(),
    charge: ref.nullish(),
    payments: z.object({ data: z.array(z.object({ payment: z.object({ payment_intent: ref.nullish(), charge: ref.nullish() }) })) }).nullish(),
    lines: z.object({ data: z.array(z.object({ description: z.string().max(5000).nullish() })) }).nullish(),
  })
  .transform((invoice) => {
    const payment = invoice.payments?.data[0]?.payment;
    return {
      id: invoice.id,
      billingReason: invoice.billing_reason ?? null,
      customer: invoice.customer,
      currency: invoice.currency,
      amountDue: invoice.amount_due,
      amountPaid: invoice.amount_paid,
      created: invoice.created,
      paidAt: invoice.status_transitions?.paid_at ?? null,
      subscriptionId: invoice.parent?.subscription_details?.subscription ?? invoice.subscription ?? null,
      paymentIntentId: payment?.payment_intent ?? invoice.payment_intent ?? null,
      chargeId: payment?.charge ?? invoice.charge ?? null,
      description: invoice.description ?? invoice.lines?.data[0]?.description ?? null,
      hostedInvoiceUrl: invoice.hosted_invoice_url ?? null,
      tax: invoice.total_taxes ? invoice.total_taxes.reduce((sum, t) => sum + t.amount, 0) : (invoice.tax ?? 0),
      number: invoice.number ?? null,
    };
  });
export type StripeInvoice = z.output<typeof invoiceSchema>;

export const chargeSchema = z.object({
  id: stripeId,
  object: z.literal("charge"),
  amount,
  amount_refunded: amount,
  currency,
  payment_intent: ref.nullish(),
  // Present when the charge is read with expand[]=refunds.
  refunds: z.object({ data: z.array(z.object({ id: stripeId, amount, created: unixTime, status: z.string().nullish() })) }).nullish(),
});
export type StripeCharge = z.output<typeof chargeSchema>;

export const disputeSchema = z.object({
  id: stripeId,
  object: z.literal("dispute"),
  charge: ref,
  payment_intent: ref.nullish(),
  amount,
  currency,
  status: z.string(),
  reason: z.string().nullish(),
});
export type StripeDispute = z.output<typeof disputeSchema>;

export const accountSchema = z.object({
  id: stripeId,
  object: z.literal("account"),
  charges_enabled: z.boolean(),
  details_submitted: z.boolean(),
});
