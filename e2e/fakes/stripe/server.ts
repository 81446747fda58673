// A local fake of the Stripe API calls CommunityOS makes, for the keyless demo
// and the tests. The app talks to it only through the official SDK's
// host/port/protocol options. It keeps objects per connected account
// (Stripe-Account header) and replays responses for a repeated Idempotency-Key.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { readStateFile, stateFileWriter } from "../state-file";
import { decimal, inputStep, shown, typedToMinor, unchargeable, unsupportedCurrency } from "./amounts";
import { answerCustomFields, customFieldsHtml, readCustomFields } from "./custom-fields";

type Obj = Record<string, unknown> & { id: string; object: string };
export type WebhookDelivery = { eventId: string; type: string; status: number | "failed"; attempts: number };

export type FakeStripe = {
  url: string;
  host: string;
  port: number;
  close: () => Promise<void>;
  /** Every object the fake holds, by id (tests inspect what the app did). */
  objects: Map<string, Obj>;
  /** Every webhook event sent, with the receiver's answer. */
  deliveries: WebhookDelivery[];
  /** Resolves once every event emitted so far has been delivered (or given up). */
  settled: () => Promise<void>;
  /** What Stripe would do on its own, for tests and the demo: renewals, refunds, disputes. */
  simulate: {
    /** The next billing date now: the renewal's invoice (paid, declined, or voided while collection is paused), or null when a card-less trial ends cancelled instead. */
    renewal: (subscriptionId: string, outcome: "paid" | "failed") => Obj | null;
    refund: (chargeId: string, amount?: number) => Obj;
    dispute: (chargeId: string) => Obj;
    closeDispute: (disputeId: string, outcome: "won" | "lost") => Obj;
    /** The account changes at Stripe (e.g. charges disabled), and account.updated is sent. */
    setAccount: (accountId: string, fields: { charges_enabled?: boolean; details_submitted?: boolean }) => Obj;
  };
};

/** Where the fake sends events, signed with the endpoint's secret as Stripe does. */
export type WebhookEndpoint = { url: string; secret: string };

/** Parses Stripe's form encoding: metadata[tier_id]=x, recurring[interval]=month, items[0][price]=p. */
export function parseStripeForm(body: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [rawKey, value] of new URLSearchParams(body)) {
    const path = rawKey.split(/\[|\]\[|\]/).filter((part) => part !== "");
    let node: Record<string, unknown> = root;
    path.forEach((part, i) => {
      if (i === path.length - 1) node[part] = value;
      else node = (node[part] ??= {}) as Record<string, unknown>;
    });
  }
  return root;
}

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString("hex")}`;
const now = () => Math.floor(Date.now() / 1000);

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": typeof body === "string" ? "text/html; charset=utf-8" : "application/json", "request-id": id("req") });
  res.end(typeof body === "string" ? body : JSON.stringify(body));
}

function stripeError(res: ServerResponse, status: number, message: string, param?: string) {
  // Stripe names a missing object's error code; callers branch on it.
  const code = /^No such /.test(message) ? "resource_missing" : undefined;
  send(res, status, { error: { type: status === 401 ? "authentication_error" : "invalid_request_error", message, param, ...(code ? { code } : {}) } });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

const signer = new Stripe("sk_test_fake_signer");

type Saved = { objects: [string, Obj][]; owners: [string, string][]; refunds: [string, Obj[]][] };

const CARD_STYLE =
  "body{font-family:system-ui,sans-serif;background:#f6f9fc;display:grid;place-items:center;min-height:100vh;margin:0}" +
  "main{background:#fff;border-radius:12px;box-shadow:0 2px 12px #0002;padding:32px;width:min(420px,90vw)}h1{font-size:20px}" +
  ".amount{font-size:28px;font-weight:600}button{width:100%;padding:12px;margin-top:8px;border:0;border-radius:8px;background:#635bff;color:#fff;font-size:15px;cursor:pointer}" +
  ".decline{background:#fff;color:#b42318;border:1px solid #b42318}.error{color:#b42318}.paid{color:#067647;font-weight:600}a{display:block;margin-top:12px;text-align:center;color:#635bff}";

/** One of Stripe's hosted pages (Checkout, an invoice, onboarding), as a card in the middle of the page. */
function stripeCard(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Stripe (demo) — ${title}</title><style>${CARD_STYLE}</style></head><body><main>${body}</main></body></html>`;
}

/** The fake's one tax rate (a demo registration), applied when Checkout enables automatic tax. */
const DEMO_TAX_RATE = 0.1;

/** What is charged and the tax in it: added on top (exclusive) or taken out of the price (inclusive). */
function withTax(amount: number, behavior: string): { total: number; tax: number } {
  if (behavior === "inclusive") return { total: amount, tax: amount - Math.round(amount / (1 + DEMO_TAX_RATE)) };
  const tax = Math.round(amount * DEMO_TAX_RATE);
  return { total: amount + tax, tax };
}

/** The currency a subscription bills in (objects imported without one: their item's price's). */
const billedIn = (subscription: Obj) =>
  String(subscription.currency ?? (subscription.items as { data: { price: Obj }[] }).data[0]!.price.currency).toLowerCase();

/** Stripe's refusal of a price for a subscription's item: one-time, or not sold in the currency it bills in. */
function itemPriceRefusal(price: Obj, subscription: Obj): string | null {
  if (!price.recurring) return "The price specified is set to `type=one_time` but this field only accepts prices with `type=recurring`.";
  const currency = billedIn(subscription);
  const supported = Object.keys((price.currency_options ?? { [String(price.currency)]: {} }) as object);
  return supported.includes(currency)
    ? null
    : `The price specified supports currencies of \`${supported.join(", ")}\` which doesn't include the expected currency of \`${currency}\`.`;
}

/** The session's custom fields (sessions stored before the fake knew them have none). */
const questionsOf = (session: Obj) => (session.custom_fields ?? []) as Parameters<typeof customFieldsHtml>[0];

/** What Checkout says once a session is no longer open. */
const closedCheckout = (session: Obj) => (session.status === "expired" ? "<p>This checkout has expired.</p>" : "<p>This checkout is complete.</p>");

/** The price as charged in one of its currencies (its own, or a currency_options entry). */
function inCurrency(price: Obj, currency: string): Obj {
  const option = (price.currency_options as Record<string, { unit_amount: number }> | undefined)?.[currency];
  return currency === price.currency || !option ? price : { ...price, currency, unit_amount: option.unit_amount };
}

/** A price less a coupon, in minor units, as Stripe rounds it. */
function discounted(unitAmount: number, coupon: Obj): number {
  if (coupon.percent_off != null) return Math.round(unitAmount * (1 - Number(coupon.percent_off) / 100));
  return Math.max(0, unitAmount - Number(coupon.amount_off));
}

/**
 * `webhook` receives connected accounts' events (a Connect endpoint); `platformWebhook`
 * the platform account's own (a second endpoint with its own secret, as in Stripe).
 * Without `platformWebhook`, platform events go to `webhook` too.
 */
export async function startFakeStripe(
  options: { port?: number; webhook?: WebhookEndpoint; platformWebhook?: WebhookEndpoint; stateFile?: string } = {},
): Promise<FakeStripe> {
  // The dev server keeps Stripe's objects between runs (as Stripe would); tests start empty.
  const saved = readStateFile<Saved>(options.stateFile);
  const objects = new Map<string, Obj>(saved?.objects ?? []);
  const deliveries: WebhookDelivery[] = [];
  const inFlight = new Set<Promise<void>>();

  // While paused (POST /_control/webhooks/pause), events wait in order until resumed:
  // lets a test look at the app between a payment and its confirmation.
  let paused = false;
  const held: (() => void)[] = [];

  /** Sends one event like Stripe: signed raw body, retried with backoff on failure. */
  function emit(type: string, object: Obj, account: string) {
    persist();
    const endpoint = account === "platform" ? (options.platformWebhook ?? options.webhook) : options.webhook;
    if (!endpoint) return;
    if (paused) {
      const snapshot = structuredClone(object);
      held.push(() => emit(type, snapshot, account));
      return;
    }
    const { url, secret } = endpoint;
    const event = {
      id: id("evt"),
      object: "event",
      api_version: "2026-10-28.endive",
      created: now(),
      type,
      livemode: false,
      pending_webhooks: 1,
      request: { id: id("req"), idempotency_key: null },
      ...(account !== "platform" ? { account } : {}),
      data: { object: structuredClone(object) },
    };
    const payload = JSON.stringify(event);
    const record: WebhookDelivery = { eventId: event.id, type, status: "failed", attempts: 0 };
    deliveries.push(record);
    const delivery = (async () => {
      for (let attempt = 1; attempt <= 3; attempt++) {
        record.attempts = attempt;
        try {
          const header = signer.webhooks.generateTestHeaderString({ payload, secret });
          const response = await fetch(url, { method: "POST", body: payload, headers: { "content-type": "application/json", "stripe-signature": header } });
          record.status = response.status;
          if (response.ok) return;
        } catch {
          record.status = "failed";
        }
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    })();
    inFlight.add(delivery);
    void delivery.finally(() => inFlight.delete(delivery));
  }
  const owners = new Map<string, string>(saved?.owners ?? []); // object id -> account id ("platform" for the platform's own)
  const replays = new Map<string, { status: number; body: unknown }>();
  let base = "";

  /** The promotion code a Checkout Session carries and its coupon, if any. */
  function sessionDiscount(session: Obj, account: string): { code: Obj; coupon: Obj } | null {
    const codeId = (session.discounts as { promotion_code: string }[] | undefined)?.[0]?.promotion_code;
    const code = codeId ? find(codeId, account, "promotion_code") : null;
    const coupon = code ? find(String((code.promotion as { coupon: string }).coupon), account, "coupon") : null;
    return code && coupon ? { code, coupon } : null;
  }

  /** Paying with a code counts a use of it and of its coupon. */
  function redeem(discount: { code: Obj; coupon: Obj } | null) {
    if (!discount) return;
    discount.code.times_redeemed = (discount.code.times_redeemed as number) + 1;
    discount.coupon.times_redeemed = (discount.coupon.times_redeemed as number) + 1;
  }

  /** Why Stripe would refuse a promotion code at checkout, or null. */
  function promotionRefusal(code: Obj, account: string, customer: string, price: Obj, currency: string): string | null {
    if (!code.active) return "This promotion code is inactive.";
    if (code.expires_at != null && (code.expires_at as number) <= now()) return "This promotion code has expired.";
    if (code.max_redemptions != null && (code.times_redeemed as number) >= (code.max_redemptions as number))
      return "This promotion code has been used the maximum number of times.";
    const coupon = find(String((code.promotion as { coupon: string }).coupon), account, "coupon");
    const products = (coupon?.applies_to as { products?: string[] } | undefined)?.products;
    if (products && !products.includes(String(price.product))) return "This promotion code cannot be applied to any items in this session.";
    // An amount off is in one currency (a coupon without currency_options for others).
    if (coupon?.amount_off != null && coupon.currency !== currency)
      return `This promotion code's amount off is in ${String(coupon.currency)} and cannot be applied to a session in ${currency}.`;
    const restrictions = code.restrictions as { first_time_transaction?: boolean };
    const paidBefore = [...objects.values()].some(
      (o) => o.object === "invoice" && owners.get(o.id) === account && o.customer === customer && o.status === "paid",
    );
    if (restrictions.first_time_transaction && paidBefore)
      return "This promotion code cannot be redeemed because the associated customer has prior transactions.";
    return null;
  }

  /** The currency a customer is billed in now: its live subscriptions' and open subscription Checkouts', if any. */
  function billingCurrencyOf(customer: string, account: string): string | null {
    for (const o of objects.values()) {
      if (owners.get(o.id) !== account || o.customer !== customer) continue;
      const live = o.object === "subscription" && !["canceled", "incomplete_expired"].includes(String(o.status));
      const openCheckout = o.object === "checkout.session" && o.mode === "subscription" && o.status === "open";
      if (live || openCheckout) return String(o.currency);
    }
    return null;
  }

  const store = (obj: Obj, account: string) => {
    objects.set(obj.id, obj);
    owners.set(obj.id, account);
    return obj;
  };
  const find = (objectId: string, account: string, type: string) => {
    const obj = objects.get(objectId);
    return obj && obj.object === type && owners.get(objectId) === account ? obj : null;
  };

  async function api(req: IncomingMessage, res: ServerResponse, path: string, form: Record<string, unknown>, account: string) {
    const parts = path.split("/").filter(Boolean); // ["v1", "products", "prod_x"]
    const [, resource, objectId, sub] = parts;
    const post = req.method === "POST";

    if (resource === "accounts" && post && !objectId) {
      const acct = store(
        {
          id: id("acct"),
          object: "account",
          type: (form.type as string) ?? "express",
          charges_enabled: false,
          details_submitted: false,
          payouts_enabled: false,
          email: form.email ?? null,
          metadata: form.metadata ?? {},
          created: now(),
        },
        "platform",
      );
      return send(res, 200, acct);
    }
    if (resource === "accounts" && objectId && !post) {
      const acct = find(objectId, "platform", "account");
      return acct ? send(res, 200, acct) : stripeError(res, 404, `No such account: '${objectId}'`, "account");
    }
    if (resource === "account_links" && post) {
      const acct = find(String(form.account), "platform", "account");
      if (!acct) return stripeError(res, 400, `No such account: '${String(form.account)}'`, "account");
      for (const key of ["return_url", "refresh_url"]) if (typeof form[key] !== "string") return stripeError(res, 400, `Missing required param: ${key}.`, key);
      const link = new URL(`${base}/connect/onboarding/${acct.id}`);
      link.searchParams.set("return_url", String(form.return_url));
      link.searchParams.set("refresh_url", String(form.refresh_url));
      return send(res, 200, { object: "account_link", url: link.toString(), created: now(), expires_at: now() + 300 });
    }
    if (resource === "products" && post) {
      if (objectId) {
        const product = find(objectId, account, "product");
        if (!product) return stripeError(res, 404, `No such product: '${objectId}'`, "id");
        Object.assign(product, pick(form, ["name", "description", "metadata"]), form.active === undefined ? {} : { active: form.active === "true" });
        return send(res, 200, product);
      }
      if (typeof form.name !== "string" || form.name === "") return stripeError(res, 400, "Missing required param: name.", "name");
      return send(
        res,
        200,
        store(
          {
            id: id("prod"),
            object: "product",
            active: true,
            name: form.name,
            description: form.description ?? null,
            metadata: form.metadata ?? {},
            created: now(),
          },
          account,
        ),
      );
    }
    if (resource === "prices" && post) {
      if (objectId) {
        const price = find(objectId, account, "price");
        if (!price) return stripeError(res, 404, `No such price: '${objectId}'`, "id");
        if (form.active !== undefined) price.active = form.active === "true";
        if (form.metadata) price.metadata = form.metadata;
        return send(res, 200, price);
      }
      if (!find(String(form.product), account, "product")) return stripeError(res, 400, `No such product: '${String(form.product)}'`, "product");
      // A fixed amount, or the customer's own above a minimum (custom_unit_amount, one-time prices only).
      const custom = form.custom_unit_amount as { enabled?: string; minimum?: string; preset?: string } | undefined;
      const amount = custom ? null : Number(form.unit_amount);
      if (custom && (form.unit_amount !== undefined || custom.enabled !== "true"))
        return stripeError(res, 400, "Pass either unit_amount or custom_unit_amount[enabled]=true, not both.", "custom_unit_amount");
      if (custom && form.recurring) return stripeError(res, 400, "custom_unit_amount is not supported for recurring prices.", "custom_unit_amount");
      if (amount !== null && (!Number.isSafeInteger(amount) || amount < 0)) return stripeError(res, 400, "Invalid integer: unit_amount", "unit_amount");
      for (const [code, param] of [
        [String(form.currency), "currency"],
        ...Object.keys((form.currency_options ?? {}) as object).map((c) => [c, `currency_options[${c}]`]),
      ]) {
        const refusal = unsupportedCurrency(code!);
        if (refusal) return stripeError(res, 400, refusal, param);
      }
      const recurring = form.recurring as { interval?: string; interval_count?: string } | undefined;
      const taxBehavior = String(form.tax_behavior ?? "unspecified");
      if (!["inclusive", "exclusive", "unspecified"].includes(taxBehavior))
        return stripeError(res, 400, "Invalid tax_behavior: must be one of inclusive, exclusive, or unspecified", "tax_behavior");
      return send(
        res,
        200,
        store(
          {
            id: id("price"),
            object: "price",
            active: true,
            product: form.product,
            currency: String(form.currency).toLowerCase(),
            unit_amount: amount,
            // Stripe shows the price's own currency among its options (when expanded); the fake always does.
            currency_options: Object.fromEntries([
              [String(form.currency).toLowerCase(), { unit_amount: amount, tax_behavior: taxBehavior }],
              ...Object.entries((form.currency_options ?? {}) as Record<string, { unit_amount?: string }>).map(([code, o]) => [
                code.toLowerCase(),
                { unit_amount: Number(o.unit_amount), tax_behavior: taxBehavior },
              ]),
            ]),
            custom_unit_amount: custom
              ? { minimum: custom.minimum ? Number(custom.minimum) : null, maximum: null, preset: custom.preset ? Number(custom.preset) : null }
              : null,
            recurring: recurring ? { interval: recurring.interval, interval_count: Number(recurring.interval_count ?? 1) } : null,
            type: recurring ? "recurring" : "one_time",
            tax_behavior: taxBehavior,
            metadata: form.metadata ?? {},
            created: now(),
          },
          account,
        ),
      );
    }
    if (resource === "customers" && post && !objectId) {
      return send(
        res,
        200,
        store(
          { id: id("cus"), object: "customer", name: form.name ?? null, email: form.email ?? null, metadata: form.metadata ?? {}, created: now() },
          account,
        ),
      );
    }
    if (resource === "customers" && objectId && !sub) {
      const customer = find(objectId, account, "customer");
      if (!customer) return stripeError(res, 404, `No such customer: '${objectId}'`, "id");
      if (req.method === "DELETE" || customer.deleted) {
        // Stripe keeps only a tombstone of a deleted customer: no name, e-mail or metadata.
        for (const key of Object.keys(customer)) if (!["id", "object"].includes(key)) delete customer[key];
        customer.deleted = true;
        return send(res, 200, customer);
      }
      if (post) Object.assign(customer, pick(form, ["name", "email", "metadata"]));
      return send(res, 200, customer);
    }
    if (resource === "checkout" && objectId === "sessions" && post && !sub) {
      const items = form.line_items as Record<string, { price?: string; price_data?: Obj; quantity?: string }> | undefined;
      const priceId = items?.["0"]?.price;
      const adHoc = items?.["0"]?.price_data ? adHocPrice(items["0"].price_data, account) : null;
      if (priceId && adHoc) return stripeError(res, 400, "You may only specify one of these parameters: price, price_data.", "line_items[0][price]");
      if (adHoc && "refusal" in adHoc) return stripeError(res, 400, adHoc.refusal, adHoc.param);
      const price = adHoc ? adHoc.price : priceId ? find(priceId, account, "price") : null;
      if (!price || (!adHoc && !price.active)) return stripeError(res, 400, `No such price: '${priceId}'`, "line_items[0][price]");
      const quantity = Number(items?.["0"]?.quantity ?? 1);
      if (!Number.isInteger(quantity) || quantity < 1 || quantity > 999_999)
        return stripeError(res, 400, "Invalid integer: quantity must be between 1 and 999999.", "line_items[0][quantity]");
      if (form.mode !== "subscription" && form.mode !== "payment")
        return stripeError(res, 400, "This fake supports mode=subscription and mode=payment.", "mode");
      if (form.mode === "payment" && price.recurring)
        return stripeError(
          res,
          400,
          "You must provide at least one recurring price in `subscription` mode when using prices; use mode=subscription for recurring prices.",
          "mode",
        );
      if (form.mode === "subscription" && !price.recurring)
        return stripeError(res, 400, "You specified `subscription` mode but passed a one-time price; use mode=payment.", "mode");
      // As Stripe: a customer is optional; one named must exist. Without one, subscription mode
      // makes a customer when the session completes (customer_creation is for payment mode only).
      if (form.customer !== undefined && !find(String(form.customer), account, "customer"))
        return stripeError(res, 400, `No such customer: '${String(form.customer)}'`, "customer");
      if (form.customer_creation !== undefined) {
        if (form.mode !== "payment") return stripeError(res, 400, "`customer_creation` can only be used in `payment` mode.", "customer_creation");
        if (form.customer !== undefined)
          return stripeError(res, 400, "You may only specify one of these parameters: customer, customer_creation.", "customer_creation");
        if (!["always", "if_required"].includes(String(form.customer_creation)))
          return stripeError(res, 400, "Invalid customer_creation: must be one of always or if_required", "customer_creation");
      }
      for (const key of ["success_url", "cancel_url"]) if (typeof form[key] !== "string") return stripeError(res, 400, `Missing required param: ${key}.`, key);
      const subscriptionData = (form.subscription_data ?? {}) as { trial_end?: string; trial_period_days?: string };
      if (subscriptionData.trial_end !== undefined) {
        if (subscriptionData.trial_period_days !== undefined)
          return stripeError(res, 400, "You may only specify one of these parameters: trial_end, trial_period_days.", "subscription_data[trial_end]");
        const end = Number(subscriptionData.trial_end);
        if (!Number.isSafeInteger(end) || end < now() + 48 * 3600)
          return stripeError(res, 400, "`subscription_data[trial_end]` has to be at least 48 hours in the future.", "subscription_data[trial_end]");
      }
      if (form.payment_method_collection !== undefined && !["always", "if_required"].includes(String(form.payment_method_collection))) {
        return stripeError(res, 400, "Invalid payment_method_collection: must be one of always or if_required", "payment_method_collection");
      }
      // Presentment currency: the price's own, or one of its currency_options.
      const sessionCurrency = String(form.currency ?? price.currency).toLowerCase();
      const options = (price.currency_options ?? {}) as Record<string, { unit_amount: number }>;
      if (sessionCurrency !== price.currency && !options[sessionCurrency])
        return stripeError(res, 400, `The price ${price.id} has no currency_options for ${sessionCurrency}.`, "currency");
      // As Stripe: a customer is billed in one currency at a time (rallly's PR #3307 quotes this refusal).
      const customerCurrency = form.mode === "subscription" && form.customer !== undefined ? billingCurrencyOf(String(form.customer), account) : null;
      if (customerCurrency && customerCurrency !== sessionCurrency)
        return stripeError(
          res,
          400,
          `You cannot combine currencies on a single customer. This customer has an active subscription, subscription schedule, discount, quote, invoice item or active subscription mode checkout session with currency ${customerCurrency}.`,
          "currency",
        );
      const charged = inCurrency(price, sessionCurrency);
      const fee = (form.payment_intent_data as { application_fee_amount?: string } | undefined)?.application_fee_amount;
      for (const [amount, param] of [
        [
          typeof charged.unit_amount === "number" ? charged.unit_amount * quantity : (price.custom_unit_amount as { minimum: number | null } | null)?.minimum,
          "line_items[0][price]",
        ],
        [fee === undefined ? null : Number(fee), "payment_intent_data[application_fee_amount]"],
      ] as const) {
        const refusal = typeof amount === "number" ? unchargeable(amount, sessionCurrency) : null;
        if (refusal) return stripeError(res, 400, refusal, param);
      }
      const automaticTax = (form.automatic_tax as { enabled?: string } | undefined)?.enabled === "true";
      if (automaticTax) {
        // As Stripe: the tax needs the customer's address (or leave to save the one typed at Checkout), and a taxed price says how.
        const customerUpdate = form.customer_update as { address?: string } | undefined;
        const customer = find(String(form.customer), account, "customer");
        if (!customer?.address && customerUpdate?.address !== "auto") {
          return stripeError(
            res,
            400,
            "Automatic tax calculation in Checkout requires a valid address on the Customer. Add a valid address to the Customer or set `customer_update[address]` to 'auto' to save the address entered in Checkout to the Customer.",
            "automatic_tax[enabled]",
          );
        }
        if (price.tax_behavior === "unspecified")
          return stripeError(res, 400, `Price ${price.id} has no tax_behavior; automatic tax needs inclusive or exclusive.`, "line_items[0][price]");
      }
      const custom = readCustomFields(form.custom_fields, form.mode);
      if ("refusal" in custom) return stripeError(res, 400, custom.refusal, custom.param);
      const discounts = form.discounts as Record<string, { promotion_code?: string }> | undefined;
      let promotionCode: Obj | null = null;
      if (discounts) {
        if (form.allow_promotion_codes !== undefined)
          return stripeError(res, 400, "You may only specify one of these parameters: allow_promotion_codes, discounts.", "discounts");
        const codeId = discounts["0"]?.promotion_code ?? "";
        promotionCode = find(codeId, account, "promotion_code");
        if (!promotionCode) return stripeError(res, 400, `No such promotion code: '${codeId}'`, "discounts[0][promotion_code]");
        const refusal = promotionRefusal(promotionCode, account, String(form.customer), price, sessionCurrency);
        if (refusal) return stripeError(res, 400, refusal, "discounts[0][promotion_code]");
      }
      const session = store(
        {
          id: id("cs_test"),
          object: "checkout.session",
          mode: form.mode,
          status: "open",
          payment_status: "unpaid",
          customer: form.customer ?? null,
          customer_creation: form.customer === undefined ? (form.mode === "subscription" ? "always" : (form.customer_creation ?? "if_required")) : null,
          client_reference_id: form.client_reference_id ?? null,
          allow_promotion_codes: form.allow_promotion_codes === "true",
          payment_method_collection: form.payment_method_collection ?? "always",
          automatic_tax: { enabled: automaticTax, liability: automaticTax ? { type: "self" } : null, status: automaticTax ? "complete" : null },
          discounts: promotionCode ? [{ promotion_code: promotionCode.id, coupon: null }] : [],
          metadata: form.metadata ?? {},
          custom_fields: custom.fields,
          subscription_data: form.subscription_data ?? {},
          payment_intent_data: form.payment_intent_data ?? {},
          payment_intent: null,
          amount_total: null,
          currency: sessionCurrency,
          line_items: { data: [{ price, quantity }] },
          success_url: form.success_url,
          cancel_url: form.cancel_url,
          subscription: null,
          created: now(),
        },
        account,
      );
      session.url = `${base}/checkout/${account}/${session.id}`;
      return send(res, 200, session);
    }
    if (resource === "checkout" && objectId === "sessions" && !sub && !post) {
      const list = [...objects.values()].filter(
        (o) =>
          o.object === "checkout.session" &&
          owners.get(o.id) === account &&
          (form.customer === undefined || o.customer === form.customer) &&
          (form.status === undefined || o.status === form.status),
      );
      return send(res, 200, { object: "list", url: "/v1/checkout/sessions", has_more: false, data: list.reverse().slice(0, Number(form.limit ?? 10)) });
    }
    if (resource === "checkout" && objectId === "sessions" && sub && post && parts[4] === "expire") {
      const session = find(sub, account, "checkout.session");
      if (!session) return stripeError(res, 404, `No such checkout.session: '${sub}'`, "session");
      if (session.status !== "open")
        return stripeError(
          res,
          400,
          `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${String(session.status)}".`,
        );
      Object.assign(session, { status: "expired" });
      emit("checkout.session.expired", session, account);
      return send(res, 200, session);
    }
    if (resource === "checkout" && objectId === "sessions" && sub && !post) {
      const session = find(sub, account, "checkout.session");
      return session ? send(res, 200, session) : stripeError(res, 404, `No such checkout.session: '${sub}'`, "session");
    }
    if (resource === "subscriptions" && objectId) {
      const subscription = find(objectId, account, "subscription");
      if (!subscription) return stripeError(res, 404, `No such subscription: '${objectId}'`, "id");
      if (req.method === "DELETE") {
        if (subscription.status === "canceled") return stripeError(res, 400, "A canceled subscription can't be canceled again.", "id");
        Object.assign(subscription, { status: "canceled", canceled_at: now(), ended_at: now() });
        emit("customer.subscription.deleted", subscription, account);
        return send(res, 200, subscription);
      }
      if (!post) return send(res, 200, subscription);
      if (subscription.status === "canceled" && Object.keys(form).some((k) => !["cancellation_details", "metadata"].includes(k))) {
        return stripeError(res, 400, "A canceled subscription can only update its cancellation_details and metadata.");
      }
      // Stripe merges metadata key by key; an empty value removes the key.
      if (form.metadata) {
        const merged = { ...(subscription.metadata as Record<string, string>), ...(form.metadata as Record<string, string>) };
        subscription.metadata = Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== ""));
      }
      if (form.cancel_at_period_end !== undefined) subscription.cancel_at_period_end = form.cancel_at_period_end === "true";
      const details = form.cancellation_details as { feedback?: string; comment?: string } | undefined;
      if (details) {
        const FEEDBACK = ["customer_service", "low_quality", "missing_features", "other", "switched_service", "too_complex", "too_expensive", "unused"];
        if (details.feedback && !FEEDBACK.includes(details.feedback))
          return stripeError(res, 400, `Invalid cancellation_details[feedback]: must be one of ${FEEDBACK.join(", ")}`, "cancellation_details[feedback]");
        const current = (subscription.cancellation_details ?? { comment: null, feedback: null, reason: null }) as Record<string, unknown>;
        subscription.cancellation_details = {
          ...current,
          ...(details.feedback !== undefined ? { feedback: details.feedback || null } : {}),
          ...(details.comment !== undefined ? { comment: details.comment || null } : {}),
          reason: subscription.cancel_at_period_end ? "cancellation_requested" : null,
        };
      }
      if (form.pause_collection !== undefined) {
        // Sent empty, it resumes collection; else it pauses it (the status stays as it is).
        const pause = form.pause_collection as { behavior?: string; resumes_at?: string } | "";
        if (pause === "") subscription.pause_collection = null;
        else {
          const BEHAVIORS = ["keep_as_draft", "mark_uncollectible", "void"];
          if (!BEHAVIORS.includes(pause.behavior ?? ""))
            return stripeError(res, 400, `Invalid pause_collection[behavior]: must be one of ${BEHAVIORS.join(", ")}`, "pause_collection[behavior]");
          const resumesAt = pause.resumes_at === undefined ? null : Number(pause.resumes_at);
          if (resumesAt !== null && !(Number.isInteger(resumesAt) && resumesAt > now()))
            return stripeError(res, 400, "Invalid timestamp: must be an integer Unix timestamp in the future.", "pause_collection[resumes_at]");
          subscription.pause_collection = { behavior: pause.behavior, resumes_at: resumesAt };
        }
      }
      const discounts = form.discounts as Record<string, { coupon?: string }> | undefined;
      if (discounts) {
        // A coupon applies once per subscription, and only while it can still be redeemed.
        const couponId = discounts["0"]?.coupon ?? "";
        const coupon = find(couponId, account, "coupon");
        if (!coupon) return stripeError(res, 400, `No such coupon: '${couponId}'`, "discounts[0][coupon]");
        if (coupon.max_redemptions != null && (coupon.times_redeemed as number) >= (coupon.max_redemptions as number)) {
          return stripeError(res, 400, `Coupon ${couponId} has reached its maximum number of redemptions.`, "discounts[0][coupon]");
        }
        coupon.times_redeemed = (coupon.times_redeemed as number) + 1;
        subscription.discounts = [id("di")];
        subscription.discount = { id: (subscription.discounts as string[])[0], object: "discount", coupon, start: now(), subscription: subscription.id };
      }
      const items = form.items as Record<string, { id?: string; price?: string }> | undefined;
      const change = items?.["0"];
      if (change?.price) {
        const price = find(change.price, account, "price");
        if (!price || !price.active) return stripeError(res, 400, `No such price: '${change.price}'`, "items[0][price]");
        const refusal = itemPriceRefusal(price, subscription);
        if (refusal) return stripeError(res, 400, refusal, "items[0][price]");
        const item = (subscription.items as { data: { id?: string; price: Obj }[] }).data[0]!;
        item.price = inCurrency(price, billedIn(subscription));
        subscription.proration_behavior = form.proration_behavior ?? "create_prorations";
      }
      emit("customer.subscription.updated", subscription, account);
      return send(res, 200, subscription);
    }
    if (resource === "promotion_codes" && post && !objectId) {
      const promotion = form.promotion as { type?: string; coupon?: string } | undefined;
      const coupon = promotion?.type === "coupon" ? find(String(promotion.coupon), account, "coupon") : null;
      if (!coupon) return stripeError(res, 400, `No such coupon: '${String(promotion?.coupon)}'`, "promotion[coupon]");
      const code = String(form.code ?? id("PROMO").slice(6, 14)).toUpperCase();
      if (!/^[A-Za-z0-9_-]{3,500}$/.test(code)) return stripeError(res, 400, "Invalid code: use letters, digits, - and _.", "code");
      const taken = [...objects.values()].some(
        (o) => o.object === "promotion_code" && owners.get(o.id) === account && o.active && String(o.code).toUpperCase() === code,
      );
      if (taken) return stripeError(res, 400, "An active promotion code with `code: " + code + "` already exists.", "code");
      const restrictions = (form.restrictions ?? {}) as { first_time_transaction?: string };
      return send(
        res,
        200,
        store(
          {
            id: id("promo"),
            object: "promotion_code",
            active: true,
            code,
            promotion: { type: "coupon", coupon: coupon.id },
            max_redemptions: form.max_redemptions ? Number(form.max_redemptions) : null,
            expires_at: form.expires_at ? Number(form.expires_at) : null,
            times_redeemed: 0,
            restrictions: { first_time_transaction: restrictions.first_time_transaction === "true", minimum_amount: null, minimum_amount_currency: null },
            metadata: form.metadata ?? {},
            created: now(),
            livemode: false,
            customer: null,
          },
          account,
        ),
      );
    }
    if ((resource === "prices" || resource === "subscriptions" || resource === "products") && !post && !objectId) {
      // Stripe's list semantics: newest first, limit 1..100, starting_after an id of the list, has_more; `expand[]=data.x` swaps ids for objects.
      const type = resource === "prices" ? "price" : resource === "products" ? "product" : "subscription";
      const limit = Number(form.limit ?? 10);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) return stripeError(res, 400, "Invalid integer: limit must be between 1 and 100.", "limit");
      const status = String(form.status ?? "");
      const STATUSES = ["active", "all", "canceled", "ended", "incomplete", "incomplete_expired", "past_due", "paused", "trialing", "unpaid"];
      if (type === "subscription" && status && !STATUSES.includes(status))
        return stripeError(res, 400, `Invalid status: must be one of ${STATUSES.join(", ")}`, "status");
      const keep = (o: Obj) => {
        if (form.active !== undefined && String(o.active) !== String(form.active)) return false;
        if (type === "price" && form.type && o.type !== form.type) return false;
        if (type === "subscription")
          return status === "all" ? true : status ? o.status === status : o.status !== "canceled" && o.status !== "incomplete_expired";
        return true;
      };
      const all = [...objects.values()]
        .filter((o) => o.object === type && owners.get(o.id) === account && keep(o))
        .sort((a, b) => (b.created as number) - (a.created as number) || (a.id < b.id ? 1 : -1));
      let start = 0;
      if (form.starting_after !== undefined) {
        const at = all.findIndex((o) => o.id === form.starting_after);
        if (at < 0) return stripeError(res, 400, `No such ${type}: '${String(form.starting_after)}'`, "starting_after");
        start = at + 1;
      }
      const expand = Object.values((form.expand ?? {}) as Record<string, string>);
      const data = all.slice(start, start + limit).map((o) => {
        const copy: Obj = { ...o };
        if (expand.includes("data.product") && typeof copy.product === "string") copy.product = find(copy.product, account, "product") ?? copy.product;
        if (expand.includes("data.customer") && typeof copy.customer === "string") copy.customer = find(copy.customer, account, "customer") ?? copy.customer;
        return copy;
      });
      return send(res, 200, { object: "list", url: `/v1/${resource}`, has_more: start + limit < all.length, data });
    }
    if (resource === "promotion_codes" && !post && !objectId) {
      const list = [...objects.values()]
        .filter((o) => o.object === "promotion_code" && owners.get(o.id) === account)
        .sort((a, b) => (b.created as number) - (a.created as number));
      return send(res, 200, { object: "list", url: "/v1/promotion_codes", has_more: false, data: list.slice(0, Number(form.limit ?? 10)) });
    }
    if (resource === "coupons" && post && !objectId) {
      const percent = form.percent_off === undefined ? null : Number(form.percent_off);
      const amountOff = form.amount_off === undefined ? null : Number(form.amount_off);
      if ((percent === null) === (amountOff === null)) return stripeError(res, 400, "You must pass exactly one of percent_off or amount_off.", "percent_off");
      if (percent !== null && !(percent > 0 && percent <= 100))
        return stripeError(res, 400, "Invalid percent_off: must be greater than 0 and at most 100.", "percent_off");
      if (amountOff !== null && !form.currency) return stripeError(res, 400, "You must pass currency when passing amount_off.", "currency");
      const appliesTo = form.applies_to as { products?: Record<string, string> } | undefined;
      const products = appliesTo?.products ? Object.values(appliesTo.products) : null;
      for (const product of products ?? [])
        if (!find(product, account, "product")) return stripeError(res, 400, `No such product: '${product}'`, "applies_to[products]");
      const duration = String(form.duration ?? "once");
      if (!["once", "repeating", "forever"].includes(duration))
        return stripeError(res, 400, "Invalid duration: must be one of once, repeating, forever.", "duration");
      if (duration === "repeating" && !form.duration_in_months)
        return stripeError(res, 400, "duration_in_months is required when duration is repeating.", "duration_in_months");
      const coupon = store(
        {
          id: id("coupon"),
          object: "coupon",
          percent_off: percent,
          amount_off: amountOff,
          currency: form.currency ?? null,
          duration,
          duration_in_months: duration === "repeating" ? Number(form.duration_in_months) : null,
          max_redemptions: form.max_redemptions ? Number(form.max_redemptions) : null,
          times_redeemed: 0,
          valid: true,
          name: form.name ?? null,
          metadata: form.metadata ?? {},
          created: now(),
          livemode: false,
          ...(products ? { applies_to: { products } } : {}),
        },
        account,
      );
      return send(res, 200, coupon);
    }
    if (resource === "refunds" && post && !objectId) {
      const charge = [...objects.values()].find(
        (o) =>
          o.object === "charge" &&
          owners.get(o.id) === account &&
          (o.id === form.charge || (form.payment_intent !== undefined && o.payment_intent === form.payment_intent)),
      );
      if (!charge) return stripeError(res, 404, `No such payment_intent: '${String(form.payment_intent ?? form.charge)}'`, "payment_intent");
      const remaining = (charge.amount as number) - (charge.amount_refunded as number);
      const amount = form.amount === undefined ? remaining : Number(form.amount);
      if (!Number.isSafeInteger(amount) || amount <= 0) return stripeError(res, 400, "Invalid positive integer", "amount");
      if (amount > remaining) return stripeError(res, 400, `Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`, "amount");
      const unrefundable = unchargeable(amount, String(charge.currency));
      if (unrefundable) return stripeError(res, 400, unrefundable, "amount");
      if (form.reason !== undefined && !["duplicate", "fraudulent", "requested_by_customer"].includes(String(form.reason)))
        return stripeError(res, 400, `Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer`, "reason");
      return send(res, 200, refundCharge(charge, account, amount, { reason: form.reason ?? null, metadata: form.metadata ?? {} }));
    }
    if (resource === "billing_portal" && objectId === "sessions" && post) {
      if (!find(String(form.customer), account, "customer")) return stripeError(res, 400, `No such customer: '${String(form.customer)}'`, "customer");
      const session = store(
        { id: id("bps"), object: "billing_portal.session", customer: form.customer, return_url: form.return_url ?? null, created: now() },
        account,
      );
      session.url = `${base}/billing-portal/${session.id}?return_url=${encodeURIComponent(String(form.return_url ?? ""))}`;
      return send(res, 200, session);
    }
    if (resource === "invoices" && objectId === "create_preview" && post) {
      // Proration as Stripe computes it in spirit: credit for the unused time on the
      // old price, charge for the same time on the new one.
      const subscription = find(String(form.subscription), account, "subscription");
      if (!subscription) return stripeError(res, 400, `No such subscription: '${String(form.subscription)}'`, "subscription");
      const details = form.subscription_details as { items?: Record<string, { price?: string }> } | undefined;
      const nextPrice = find(String(details?.items?.["0"]?.price), account, "price");
      if (!nextPrice) return stripeError(res, 400, "No such price", "subscription_details[items][0][price]");
      const refusal = itemPriceRefusal(nextPrice, subscription);
      if (refusal) return stripeError(res, 400, refusal, "subscription_details[items][0][price]");
      const next = inCurrency(nextPrice, billedIn(subscription));
      const item = (subscription.items as { data: { price: Obj; current_period_start: number; current_period_end: number }[] }).data[0]!;
      const remaining = Math.max(0, item.current_period_end - now()) / Math.max(1, item.current_period_end - item.current_period_start);
      const credit = -Math.round((item.price.unit_amount as number) * remaining);
      const charge = Math.round((next.unit_amount as number) * remaining);
      return send(res, 200, {
        object: "invoice",
        currency: next.currency,
        amount_due: Math.max(0, credit + charge),
        total: credit + charge,
        lines: {
          data: [
            { amount: credit, description: "Unused time on the current tier" },
            { amount: charge, description: "Remaining time on the new tier" },
          ],
        },
      });
    }
    if (resource === "invoices" && !objectId && !post) {
      const list = [...objects.values()].filter(
        (o) =>
          o.object === "invoice" &&
          owners.get(o.id) === account &&
          (form.subscription === undefined ||
            (o.parent as { subscription_details?: { subscription?: string } } | null)?.subscription_details?.subscription === form.subscription) &&
          (form.status === undefined || o.status === form.status),
      );
      return send(res, 200, { object: "list", url: "/v1/invoices", has_more: false, data: list });
    }
    if (resource === "charges" && !objectId && !post) {
      const list = [...objects.values()].filter(
        (o) => o.object === "charge" && owners.get(o.id) === account && (form.payment_intent === undefined || o.payment_intent === form.payment_intent),
      );
      return send(res, 200, { object: "list", url: "/v1/charges", has_more: false, data: list });
    }
    if ((resource === "charges" || resource === "disputes" || resource === "invoices") && objectId && !post) {
      const obj = find(objectId, account, resource.slice(0, -1));
      if (!obj) return stripeError(res, 404, `No such ${resource.slice(0, -1)}: '${objectId}'`, "id");
      const expand = Object.values((form.expand as Record<string, string> | undefined) ?? {});
      if (obj.object === "charge" && expand.includes("refunds")) {
        const data = refundsByCharge.get(obj.id) ?? [];
        return send(res, 200, { ...obj, refunds: { object: "list", url: `/v1/charges/${obj.id}/refunds`, has_more: false, data } });
      }
      return send(res, 200, obj);
    }
    if ((resource === "products" || resource === "prices") && objectId && !post) {
      const obj = find(objectId, account, resource.slice(0, -1));
      return obj ? send(res, 200, obj) : stripeError(res, 404, `No such ${resource.slice(0, -1)}: '${objectId}'`, "id");
    }
    return stripeError(res, 404, `Unrecognized request URL (${req.method}: ${path}). The CommunityOS Stripe fake does not implement it.`);
  }

  /**
   * A Checkout line's price_data: an ad-hoc one-time price (inactive, as Stripe
   * makes it: no one can reuse it), with Stripe's refusals of its fields.
   */
  function adHocPrice(data: Obj, account: string): { price: Obj } | { refusal: string; param: string } {
    const param = (field: string) => `line_items[0][price_data][${field}]`;
    if (typeof data.currency !== "string") return { refusal: `Missing required param: ${param("currency")}.`, param: param("currency") };
    const badCurrency = unsupportedCurrency(data.currency);
    if (badCurrency) return { refusal: badCurrency, param: param("currency") };
    const amount = Number(data.unit_amount);
    if (data.unit_amount === undefined || !Number.isSafeInteger(amount) || amount < 0)
      return { refusal: "Invalid integer: unit_amount", param: param("unit_amount") };
    const productData = data.product_data as { name?: string } | undefined;
    if (data.product === undefined && !productData)
      return { refusal: "You must specify either `product` or `product_data` when creating a price.", param: param("product_data") };
    if (productData && !productData.name) return { refusal: `Missing required param: ${param("product_data")}[name].`, param: param("product_data") };
    if (data.product !== undefined && !find(String(data.product), account, "product"))
      return { refusal: `No such product: '${String(data.product)}'`, param: param("product") };
    if (data.recurring) return { refusal: "This fake supports one-time price_data only.", param: param("recurring") };
    const taxBehavior = String(data.tax_behavior ?? "unspecified");
    if (!["inclusive", "exclusive", "unspecified"].includes(taxBehavior))
      return { refusal: "Invalid tax_behavior: must be one of inclusive, exclusive, or unspecified", param: param("tax_behavior") };
    const currency = data.currency.toLowerCase();
    const product = productData
      ? store({ id: id("prod"), object: "product", name: productData.name, active: true, metadata: {}, created: now() }, account).id
      : data.product;
    const price = store(
      {
        id: id("price"),
        object: "price",
        active: false,
        product,
        currency,
        unit_amount: amount,
        currency_options: { [currency]: { unit_amount: amount, tax_behavior: taxBehavior } },
        custom_unit_amount: null,
        recurring: null,
        type: "one_time",
        tax_behavior: taxBehavior,
        metadata: {},
        created: now(),
      },
      account,
    );
    return { price };
  }

  /** " · <name>" of the price's product, as Checkout shows what is bought. */
  function productName(price: Obj, account: string): string {
    const product = find(String(price.product), account, "product");
    return product?.name ? ` · ${String(product.name)}` : "";
  }

  /** A session opened without a customer gets one as it completes, when its customer_creation says so. */
  function completeCustomer(session: Obj, account: string) {
    if (session.customer || session.customer_creation !== "always") return;
    session.customer = store({ id: id("cus"), object: "customer", name: null, email: null, metadata: {}, created: now() }, account).id;
  }

  /** Stripe's hosted Checkout page: "Pay" completes the session and creates the subscription. */
  /**
   * Checkout in payment mode (a one-time price): "Pay" takes the payment, at the
   * member's own amount for a custom-amount price, and completes the session.
   */
  async function hostedPayment(req: IncomingMessage, res: ServerResponse, account: string, session: Obj) {
    // Charged in the session's currency: the price's own, or one of its currency_options.
    const line = (session.line_items as { data: { price: Obj; quantity: number }[] }).data[0]!;
    const price = inCurrency(line.price, String(session.currency));
    const quantity = line.quantity;
    const custom = price.custom_unit_amount as { minimum: number | null; preset: number | null } | null;
    const currency = String(price.currency);
    const minimum = custom?.minimum ?? 50;
    let problem: string | null = null;
    let typed: URLSearchParams | undefined;
    if (req.method === "POST" && session.status === "open") {
      const form = new URLSearchParams(await readBody(req));
      typed = form;
      const discount = sessionDiscount(session, account);
      const coupon = custom ? null : (discount?.coupon ?? null);
      const chosen = custom
        ? typedToMinor(form.get("amount") ?? "", currency)
        : coupon
          ? discounted((price.unit_amount as number) * quantity, coupon)
          : (price.unit_amount as number) * quantity;
      const amountProblem = () =>
        !custom ? null : !Number.isFinite(chosen) || chosen < minimum ? `Enter at least ${shown(minimum, currency)}.` : unchargeable(chosen, currency);
      // Checkout checks the answers first, and asks again keeping what was typed.
      problem = answerCustomFields(questionsOf(session), form) ?? amountProblem();
      if (!problem) {
        if (coupon) redeem(discount);
        const taxed = (session.automatic_tax as { enabled?: boolean } | undefined)?.enabled ? withTax(chosen, String(price.tax_behavior)) : null;
        const total = taxed ? taxed.total : chosen;
        completeCustomer(session, account);
        const intentData = session.payment_intent_data as { metadata?: Record<string, string>; application_fee_amount?: string };
        const intentId = id("pi");
        const charge = store(
          {
            id: id("ch"),
            object: "charge",
            amount: total,
            amount_refunded: 0,
            refunded: false,
            currency: price.currency,
            payment_intent: intentId,
            customer: session.customer,
            status: "succeeded",
            created: now(),
          },
          account,
        );
        store(
          {
            id: intentId,
            object: "payment_intent",
            amount: total,
            currency: price.currency,
            status: "succeeded",
            latest_charge: charge.id,
            customer: session.customer,
            metadata: intentData.metadata ?? {},
            application_fee_amount: intentData.application_fee_amount ? Number(intentData.application_fee_amount) : null,
            created: now(),
          },
          account,
        );
        Object.assign(session, {
          status: "complete",
          payment_status: "paid",
          payment_intent: intentId,
          amount_subtotal: chosen,
          amount_total: total,
          total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: taxed?.tax ?? 0 },
        });
        emit("checkout.session.completed", session, account);
        res.writeHead(303, { location: String(session.success_url).replace("{CHECKOUT_SESSION_ID}", session.id) });
        return res.end();
      }
    }
    const fixed = `${quantity > 1 ? `${quantity} × ${shown(price.unit_amount as number, currency)} = ${shown((price.unit_amount as number) * quantity, currency)}` : shown(price.unit_amount as number, currency)}, one payment${productName(price, account)}`;
    const questions = customFieldsHtml(questionsOf(session), typed);
    const form = custom
      ? `<form method="post">${questions}<label for="amount">Your price (${currency.toUpperCase()}, at least ${decimal(minimum, currency)})</label><input id="amount" name="amount" type="number" step="${inputStep(currency)}" min="${decimal(minimum, currency)}" value="${decimal(custom.preset ?? minimum, currency)}" style="width:100%;padding:10px;margin:8px 0;font-size:16px"><button name="outcome" value="pay">Pay</button></form>`
      : `<form method="post">${questions}<button name="outcome" value="pay">Pay</button></form>`;
    return send(
      res,
      problem ? 400 : 200,
      stripeCard(
        `Checkout`,
        `<h1>Demo Stripe Checkout</h1><p class="amount">${custom ? "Pay what you want" : fixed}</p>
${problem ? `<p class="error" role="alert">${problem}</p>` : ""}
${session.status !== "open" ? closedCheckout(session) : form}
<a href="${session.cancel_url}">← Back to the community</a>`,
      ),
    );
  }

  async function hostedCheckout(req: IncomingMessage, res: ServerResponse, account: string, sessionId: string) {
    const session = find(sessionId, account, "checkout.session");
    if (!session) return send(res, 404, "<p>This checkout session does not exist.</p>");
    if (session.mode === "payment") return hostedPayment(req, res, account, session);
    const price = inCurrency((session.line_items as { data: { price: Obj }[] }).data[0]!.price, String(session.currency));
    const discount = sessionDiscount(session, account);
    const promotionCode = discount?.code ?? null;
    const coupon = discount?.coupon ?? null;
    const taxed = (session.automatic_tax as { enabled?: boolean } | undefined)?.enabled
      ? withTax(coupon ? discounted(price.unit_amount as number, coupon) : (price.unit_amount as number), String(price.tax_behavior))
      : null;
    const due = taxed ? taxed.total : coupon ? discounted(price.unit_amount as number, coupon) : (price.unit_amount as number);
    const currency = String(price.currency);
    const amount = `${shown(due, currency)}${coupon ? ` (code ${promotionCode!.code}: was ${decimal(price.unit_amount as number, currency)})` : ""} / ${(price.recurring as { interval: string }).interval}`;
    let declined = false;
    let problem: string | null = null;
    let typed: URLSearchParams | undefined;
    if (req.method === "POST" && session.status === "open") {
      const form = new URLSearchParams(await readBody(req));
      typed = form;
      // Checkout checks the answers before the card, and asks again keeping what was typed.
      problem = answerCustomFields(questionsOf(session), form);
      if (!problem && form.get("outcome") === "decline") {
        declined = true;
      } else if (!problem) {
        const data = session.subscription_data as {
          metadata?: Record<string, string>;
          trial_period_days?: string;
          trial_end?: string;
          application_fee_percent?: string;
          trial_settings?: Obj;
        };
        const start = now();
        // A trial by days, or up to a given moment (the session's creation checked it is 48 h ahead).
        const trialEnd = data.trial_end
          ? Number(data.trial_end)
          : Number(data.trial_period_days ?? 0) > 0
            ? start + Number(data.trial_period_days) * 86_400
            : null;
        const trialDays = trialEnd ? Math.ceil((trialEnd - start) / 86_400) : 0;
        const cardless = trialDays > 0 && session.payment_method_collection === "if_required";
        redeem(discount);
        completeCustomer(session, account);
        const subscription = store(
          {
            id: id("sub"),
            object: "subscription",
            ...(coupon ? { discount: { id: id("di"), object: "discount", coupon, promotion_code: promotionCode!.id, start: now() }, discounts: [] } : {}),
            automatic_tax: session.automatic_tax ?? { enabled: false },
            currency: session.currency,
            // No card was asked for a trial with payment_method_collection=if_required.
            default_payment_method: cardless ? null : id("pm"),
            trial_settings: data.trial_settings ?? { end_behavior: { missing_payment_method: "create_invoice" } },
            status: trialDays > 0 ? "trialing" : "active",
            customer: session.customer,
            metadata: data.metadata ?? {},
            application_fee_percent: data.application_fee_percent ? Number(data.application_fee_percent) : null,
            items: { data: [{ id: id("si"), price, quantity: 1, current_period_start: start, current_period_end: trialEnd ?? start + 30 * 86_400 }] },
            trial_start: trialEnd ? start : null,
            trial_end: trialEnd,
            cancel_at_period_end: false,
            pause_collection: null,
            created: start,
          },
          account,
        );
        Object.assign(session, { status: "complete", payment_status: trialDays > 0 ? "no_payment_required" : "paid", subscription: subscription.id });
        // Stripe's order is not guaranteed, and the app must not rely on it.
        emit("checkout.session.completed", session, account);
        emit("customer.subscription.created", subscription, account);
        if (trialDays === 0) emit("invoice.paid", createInvoice(subscription, account, "subscription_create", "paid"), account);
        res.writeHead(303, { location: String(session.success_url).replace("{CHECKOUT_SESSION_ID}", session.id) });
        return res.end();
      }
    }
    const done = session.status !== "open";
    const trial = Number((session.subscription_data as { trial_period_days?: string }).trial_period_days ?? 0);
    const startsCardless = trial > 0 && session.payment_method_collection === "if_required";
    const questions = customFieldsHtml(questionsOf(session), typed);
    return send(
      res,
      problem ? 400 : declined ? 402 : 200,
      stripeCard(
        `Checkout`,
        `<h1>Demo Stripe Checkout</h1><p class="amount">${amount}</p>${taxed ? `<p class="tax">Tax (demo ${DEMO_TAX_RATE * 100}% ${price.tax_behavior === "inclusive" ? "included" : "added"}): ${shown(taxed.tax, currency)}</p>` : ""}
${declined ? '<p class="error" role="alert">Your card was declined. Try again or use another card.</p>' : ""}
${problem ? `<p class="error" role="alert">${problem}</p>` : ""}
${done ? closedCheckout(session) : startsCardless ? `<form method="post">${questions}<p>No card needed for the ${trial}-day trial.</p><button name="outcome" value="pay">Start free trial</button></form>` : `<form method="post">${questions}<button name="outcome" value="pay">Pay</button><button class="decline" name="outcome" value="decline">Pay with a card that is declined</button></form>`}
<a href="${session.cancel_url}">← Back to the community</a>`,
      ),
    );
  }

  let invoiceCount = [...objects.values()].filter((o) => o.object === "invoice").length;

  /**
   * Stripe's hosted invoice page (an invoice's hosted_invoice_url): "Pay" pays
   * the open invoice with a working card, which brings a past-due subscription
   * back to active, as Stripe does.
   */
  async function hostedInvoice(req: IncomingMessage, res: ServerResponse, account: string, invoiceId: string) {
    const invoice = find(invoiceId, account, "invoice");
    if (!invoice) return send(res, 404, "<p>This invoice does not exist.</p>");
    if (req.method === "POST" && invoice.status === "open") {
      payInvoice(invoice, account);
      res.writeHead(303, { location: `${base}/invoice/${account}/${invoiceId}` });
      return res.end();
    }
    const amount = shown(invoice.amount_due as number, String(invoice.currency));
    return send(
      res,
      200,
      stripeCard(
        `Invoice ${invoice.number}`,
        `<h1>Demo Stripe invoice ${invoice.number}</h1><p class="amount">${amount}</p>
${invoice.status === "paid" ? '<p class="paid" role="status">Invoice paid. Thank you!</p>' : invoice.status === "open" ? '<p>Your last payment failed. Pay with another card:</p><form method="post"><button>Pay invoice</button></form>' : `<p>This invoice is ${invoice.status}.</p>`}
`,
      ),
    );
  }

  function payInvoice(invoice: Obj, account: string) {
    Object.assign(invoice, { status: "paid", amount_paid: invoice.amount_due, status_transitions: { paid_at: now() } });
    const payment = (invoice.payments as { data: { status: string; payment: { charge: string } }[] }).data[0]!;
    payment.status = "paid";
    const charge = find(payment.payment.charge, account, "charge");
    if (charge) charge.status = "succeeded";
    const subscriptionId = (invoice.parent as { subscription_details: { subscription: string } }).subscription_details.subscription;
    const subscription = find(subscriptionId, account, "subscription");
    emit("invoice.paid", invoice, account);
    if (subscription && (subscription.status === "past_due" || subscription.status === "unpaid")) {
      // The period already began at the renewal; paying its invoice makes the subscription active again.
      subscription.status = "active";
      emit("customer.subscription.updated", subscription, account);
    }
  }

  /** A subscription invoice line as Stripe words it: "1 × Pro (at $12.00 / month)". */
  function lineDescription(price: Obj): string {
    const name = String(objects.get(String(price.product))?.name ?? "membership");
    const currency = String(price.currency).toUpperCase();
    const format = new Intl.NumberFormat("en-US", { style: "currency", currency });
    const amount = format.format(Number(price.unit_amount) / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
    const interval = (price.recurring as { interval?: string } | null | undefined)?.interval;
    return interval ? `1 × ${name} (at ${amount} / ${interval})` : `1 × ${name}`;
  }

  /** An invoice in the current API's shape (parent.subscription_details, payments), with its charge. */
  function createInvoice(subscription: Obj, account: string, billingReason: string, outcome: "paid" | "failed"): Obj {
    const item0 = (subscription.items as { data: { price: Obj; current_period_start: number; current_period_end: number }[] }).data[0]!;
    const item = { ...item0, price: inCurrency(item0.price, String(subscription.currency ?? item0.price.currency)) };
    // A coupon applies while it lasts: "once" to the first invoice only (the fake counts invoices, not months).
    const coupon = (subscription.discount as { coupon?: Obj } | undefined)?.coupon;
    const invoicesSoFar = [...objects.values()].filter(
      (o) =>
        o.object === "invoice" &&
        (o.parent as { subscription_details?: { subscription?: string } } | undefined)?.subscription_details?.subscription === subscription.id,
    ).length;
    const couponApplies =
      coupon &&
      (coupon.duration === "forever" ||
        (coupon.duration === "once" && invoicesSoFar === 0) ||
        (coupon.duration === "repeating" && invoicesSoFar < Number(coupon.duration_in_months)));
    const beforeTax = couponApplies ? discounted(item.price.unit_amount as number, coupon) : (item.price.unit_amount as number);
    const taxed = (subscription.automatic_tax as { enabled?: boolean } | undefined)?.enabled ? withTax(beforeTax, String(item.price.tax_behavior)) : null;
    const amount = taxed ? taxed.total : beforeTax;
    const paymentIntent = id("pi");
    const charge = store(
      {
        id: id("ch"),
        object: "charge",
        amount,
        amount_refunded: 0,
        refunded: false,
        currency: item.price.currency,
        payment_intent: paymentIntent,
        customer: subscription.customer,
        status: outcome === "paid" ? "succeeded" : "failed",
        created: now(),
      },
      account,
    );
    const invoiceId = id("in");
    return store(
      {
        id: invoiceId,
        object: "invoice",
        number: `DEMO-${String(++invoiceCount).padStart(4, "0")}`,
        hosted_invoice_url: `${base}/invoice/${account}/${invoiceId}`,
        status: outcome === "paid" ? "paid" : "open",
        billing_reason: billingReason,
        customer: subscription.customer,
        currency: item.price.currency,
        amount_due: amount,
        amount_paid: outcome === "paid" ? amount : 0,
        total_taxes: taxed
          ? [
              {
                amount: taxed.tax,
                tax_behavior: item.price.tax_behavior,
                taxability_reason: "standard_rated",
                taxable_amount: taxed.total - (item.price.tax_behavior === "exclusive" ? taxed.tax : 0),
              },
            ]
          : [],
        parent: { type: "subscription_details", subscription_details: { subscription: subscription.id, metadata: subscription.metadata } },
        payments: {
          object: "list",
          data: [
            {
              object: "invoice_payment",
              status: outcome === "paid" ? "paid" : "open",
              payment: { type: "payment_intent", payment_intent: paymentIntent, charge: charge.id },
            },
          ],
        },
        status_transitions: { paid_at: outcome === "paid" ? now() : null },
        lines: { data: [{ amount, description: lineDescription(item.price), period: { start: item.current_period_start, end: item.current_period_end } }] },
        created: now(),
      },
      account,
    );
  }

  // A charge's refunds, which Stripe lists on the charge only when asked (expand[]=refunds).
  const refundsByCharge = new Map<string, Obj[]>(saved?.refunds ?? []);

  /** A refund as Stripe makes one: the refund object, the charge's running total, and charge.refunded. */
  function refundCharge(charge: Obj, account: string, amount: number, fields: Record<string, unknown>): Obj {
    const refund = store(
      {
        id: id("re"),
        object: "refund",
        amount,
        charge: charge.id,
        payment_intent: charge.payment_intent,
        currency: charge.currency,
        status: "succeeded",
        reason: null,
        metadata: {},
        created: now(),
        ...fields,
      },
      account,
    );
    refundsByCharge.set(charge.id, [refund, ...(refundsByCharge.get(charge.id) ?? [])]);
    charge.amount_refunded = (charge.amount_refunded as number) + amount;
    charge.refunded = charge.amount_refunded === charge.amount;
    emit("charge.refunded", charge, account);
    return refund;
  }

  const { persist, flushed } = stateFileWriter(options.stateFile, (): Saved => ({ objects: [...objects], owners: [...owners], refunds: [...refundsByCharge] }));

  const accountOf = (objectId: string) => {
    const account = owners.get(objectId);
    if (!account) throw new Error(`the fake holds no ${objectId}`);
    return account;
  };

  const simulate: FakeStripe["simulate"] = {
    renewal(subscriptionId, outcome) {
      const account = accountOf(subscriptionId);
      const subscription = find(subscriptionId, account, "subscription")!;
      // A trial that began without a card, and still has none, ends as its trial_settings say (cancel).
      const endBehavior = (subscription.trial_settings as { end_behavior?: { missing_payment_method?: string } } | undefined)?.end_behavior
        ?.missing_payment_method;
      if (subscription.status === "trialing" && !subscription.default_payment_method && endBehavior === "cancel") {
        Object.assign(subscription, {
          status: "canceled",
          canceled_at: now(),
          ended_at: now(),
          cancellation_details: { comment: null, feedback: null, reason: "cancellation_requested" },
        });
        emit("customer.subscription.deleted", subscription, account);
        return null;
      }
      // As Stripe does: the new period starts at renewal whether or not its invoice is paid.
      const item = (subscription.items as { data: { current_period_start: number; current_period_end: number }[] }).data[0]!;
      const length = item.current_period_end - item.current_period_start;
      Object.assign(item, { current_period_start: item.current_period_end, current_period_end: item.current_period_end + length });
      // While collection is paused, the period's invoice is made and voided at once, as behavior "void" does (the
      // only one CommunityOS asks for; the fake treats the others alike): nothing is charged.
      if (subscription.pause_collection) {
        const voided = store(
          {
            id: id("in"),
            object: "invoice",
            status: "void",
            billing_reason: "subscription_cycle",
            customer: subscription.customer,
            currency: subscription.currency,
            amount_due: 0,
            amount_paid: 0,
            parent: { type: "subscription_details", subscription_details: { subscription: subscription.id, metadata: subscription.metadata } },
            created: now(),
          },
          account,
        );
        emit("invoice.voided", voided, account);
        emit("customer.subscription.updated", subscription, account);
        return voided;
      }
      subscription.status = outcome === "paid" ? "active" : "past_due";
      const invoice = createInvoice(subscription, account, "subscription_cycle", outcome);
      emit(outcome === "paid" ? "invoice.paid" : "invoice.payment_failed", invoice, account);
      emit("customer.subscription.updated", subscription, account);
      return invoice;
    },
    refund(chargeId, amount) {
      const account = accountOf(chargeId);
      const charge = find(chargeId, account, "charge")!;
      refundCharge(charge, account, Math.min(amount ?? Infinity, (charge.amount as number) - (charge.amount_refunded as number)), {});
      return charge;
    },
    dispute(chargeId) {
      const account = accountOf(chargeId);
      const charge = find(chargeId, account, "charge")!;
      const dispute = store(
        {
          id: id("dp"),
          object: "dispute",
          charge: charge.id,
          payment_intent: charge.payment_intent,
          amount: charge.amount,
          currency: charge.currency,
          status: "needs_response",
          reason: "fraudulent",
          created: now(),
        },
        account,
      );
      emit("charge.dispute.created", dispute, account);
      return dispute;
    },
    closeDispute(disputeId, outcome) {
      const account = accountOf(disputeId);
      const dispute = find(disputeId, account, "dispute")!;
      dispute.status = outcome;
      emit("charge.dispute.closed", dispute, account);
      return dispute;
    },
    setAccount(accountId, fields) {
      const acct = find(accountId, "platform", "account")!;
      Object.assign(acct, fields);
      emit("account.updated", acct, accountId);
      return acct;
    },
  };

  /**
   * Like Stripe's test clocks, for the demo: every subscription, with buttons
   * that renew it now, paid or declined (the webhooks follow as they would).
   */
  async function testClock(req: IncomingMessage, res: ServerResponse, url: URL) {
    if (req.method === "POST") {
      const form = new URLSearchParams(await readBody(req));
      const subscriptionId = form.get("subscription") ?? "";
      if (owners.has(subscriptionId) && objects.get(subscriptionId)?.object === "subscription")
        simulate.renewal(subscriptionId, form.get("outcome") === "failed" ? "failed" : "paid");
      res.writeHead(303, { location: `/test-clock?done=${encodeURIComponent(subscriptionId)}` });
      return res.end();
    }
    // Newest first: the subscription just paid for in the demo is at the top.
    const rows = [...objects.values()]
      .filter((o) => o.object === "subscription" && ["active", "trialing", "past_due", "unpaid"].includes(String(o.status)))
      .sort((a, b) => (b.created as number) - (a.created as number))
      .map((o) => {
        const item = (o.items as { data: { price: Obj; current_period_end: number }[] }).data[0]!;
        const product = objects.get(String(item.price.product));
        const customer = objects.get(String(o.customer));
        const who = String(customer?.name ?? customer?.email ?? o.customer).replace(/[<>&"]/g, "");
        return `<tr><td><code>${o.id}</code></td><td>${who}</td><td>${String(product?.name ?? item.price.id).replace(/[<>&"]/g, "")}</td><td>${o.status}</td><td>${new Date(item.current_period_end * 1000).toISOString().slice(0, 10)}</td>
<td><form method="post"><input type="hidden" name="subscription" value="${o.id}"><button name="outcome" value="paid">Renew now</button> <button class="decline" name="outcome" value="failed">Renew with a declined card</button></form></td></tr>`;
      })
      .join("");
    const done = url.searchParams.get("done");
    return send(
      res,
      200,
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Stripe (demo) — Test clock</title>
<style>body{font-family:system-ui,sans-serif;background:#f6f9fc;margin:0;padding:24px}main{background:#fff;border-radius:12px;box-shadow:0 2px 12px #0002;padding:24px;max-width:960px;margin:auto;overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:14px}td,th{text-align:left;padding:8px;border-bottom:1px solid #eee}button{padding:6px 10px;border:0;border-radius:6px;background:#635bff;color:#fff;cursor:pointer}.decline{background:#fff;color:#b42318;border:1px solid #b42318}</style></head>
<body><main><h1>Demo Stripe: test clock</h1><p>Renew a subscription now, as its next billing date would. A declined renewal makes the subscription past due and sends invoice.payment_failed.</p>
${done ? `<p role="status">Renewal of <code>${done.replace(/[^\w]/g, "")}</code> sent.</p>` : ""}
<table><thead><tr><th>Subscription</th><th>Customer</th><th>Product</th><th>Status</th><th>Renews</th><th></th></tr></thead><tbody>${rows || '<tr><td colspan="6">No subscriptions yet.</td></tr>'}</tbody></table></main></body></html>`,
    );
  }

  // eslint-disable-next-line @typescript-eslint/no-misused-promises -- the handler catches its own errors; Node ignores the promise
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://fake");

      // The hosted onboarding page an account link points to.
      const onboarding = /^\/connect\/onboarding\/(acct_\w+)$/.exec(url.pathname);
      if (onboarding) {
        const acct = find(onboarding[1]!, "platform", "account");
        if (!acct) return send(res, 404, "<p>Unknown account</p>");
        if (req.method === "POST") {
          Object.assign(acct, { charges_enabled: true, details_submitted: true, payouts_enabled: true });
          res.writeHead(303, { location: url.searchParams.get("return_url") ?? "/" });
          return res.end();
        }
        return send(
          res,
          200,
          stripeCard(
            `Set up payouts`,
            `<h1>Demo Stripe: set up payouts</h1><p>This local stand-in for Stripe Connect onboarding enables charges for account ${acct.id}.</p>
<form method="post"><button>Complete onboarding</button></form><a href="${url.searchParams.get("return_url") ?? "/"}">Not now</a>`,
          ),
        );
      }

      if (url.pathname === "/_control/import" && req.method === "POST") {
        // Objects Stripe would already hold for a connected account (the demo seed's history): stored as given.
        const input = JSON.parse(await readBody(req)) as { account: string; objects: Obj[] };
        if (input.account !== "platform" && !find(input.account, "platform", "account")) return stripeError(res, 400, `No such account: '${input.account}'`);
        for (const obj of input.objects) store(obj, input.account);
        persist();
        return send(res, 200, { imported: input.objects.length });
      }
      const control = /^\/_control\/webhooks\/(pause|resume)$/.exec(url.pathname);
      if (control && req.method === "POST") {
        paused = control[1] === "pause";
        if (!paused) for (const deliver of held.splice(0)) deliver();
        return send(res, 200, { paused, held: held.length });
      }

      if (/^\/billing-portal\/bps_\w+$/.test(url.pathname)) {
        const back = url.searchParams.get("return_url") ?? "/";
        return send(
          res,
          200,
          `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Stripe (demo) — Billing</title></head><body style="font-family:system-ui,sans-serif;padding:40px"><h1>Demo Stripe customer portal</h1><p>Invoices and payment methods would be managed here.</p><a href="${back}">Return to CommunityOS</a></body></html>`,
        );
      }
      const checkout = /^\/checkout\/(acct_\w+|platform)\/(cs_test_\w+)$/.exec(url.pathname);
      if (checkout) return hostedCheckout(req, res, checkout[1]!, checkout[2]!);
      const hostedInvoicePage = /^\/invoice\/(acct_\w+)\/(in_\w+)$/.exec(url.pathname);
      if (hostedInvoicePage) return hostedInvoice(req, res, hostedInvoicePage[1]!, hostedInvoicePage[2]!);
      if (url.pathname === "/test-clock") return testClock(req, res, url);

      if (!url.pathname.startsWith("/v1/")) return stripeError(res, 404, "Not found");
      if (!/^Bearer sk_test_/.test(req.headers.authorization ?? "")) return stripeError(res, 401, "Invalid API Key provided.");
      const account = (req.headers["stripe-account"] as string | undefined) ?? "platform";
      if (account !== "platform" && !find(account, "platform", "account")) return stripeError(res, 400, `No such account: '${account}'`);

      const body = req.method === "POST" ? await readBody(req) : "";
      const key = req.headers["idempotency-key"] as string | undefined;
      const replayKey = key ? `${account}:${key}` : null;
      if (replayKey && replays.has(replayKey)) {
        const replay = replays.get(replayKey)!;
        return send(res, replay.status, replay.body);
      }
      // Capture the response to replay it for the same key, as Stripe does.
      const originalEnd = res.end.bind(res);
      let captured = "";
      res.end = ((chunk?: unknown) => {
        if (typeof chunk === "string") captured = chunk;
        if (replayKey) replays.set(replayKey, { status: res.statusCode, body: JSON.parse(captured || "{}") });
        return originalEnd(chunk as string);
      }) as typeof res.end;
      // The SDK sends a GET's or DELETE's parameters in the query string, a POST's in the body.
      await api(req, res, url.pathname, parseStripeForm(req.method === "POST" ? body : url.search.slice(1)), account);
      if (req.method !== "GET") persist();
    } catch (error) {
      stripeError(res, 500, (error as Error).message);
    }
  });

  // Stripe resumes a paused collection by itself once resumes_at has passed.
  const resumer = setInterval(() => {
    for (const subscription of objects.values()) {
      const resumesAt = (subscription.pause_collection as { resumes_at?: number | null } | null | undefined)?.resumes_at;
      if (subscription.object !== "subscription" || resumesAt == null || resumesAt > now()) continue;
      subscription.pause_collection = null;
      emit("customer.subscription.updated", subscription, owners.get(String(subscription.id))!);
    }
  }, 1000);
  resumer.unref();

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  return {
    url: base,
    host: "127.0.0.1",
    port,
    objects,
    deliveries,
    simulate,
    settled: async () => {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    close: async () => {
      clearInterval(resumer);
      await flushed();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function pick(form: Record<string, unknown>, keys: string[]) {
  return Object.fromEntries(keys.filter((k) => form[k] !== undefined).map((k) => [k, form[k]]));
}
