// Amounts in currencies Stripe does not count in hundredths, through the whole
// path against the fake Stripe (which reads amounts with its own tables): a tier's
// price at Stripe, the member's Checkout, the payment recorded by the webhook, a
// refund, and a pass's fee in the currency the member pays in.
import { describe, expect, it, vi } from "vitest";
import { startCheckout } from "../lib/billing/checkout";
import { PORTAL_ERRORS, previewTierSwitch, switchTier } from "../lib/billing/portal";
import { portalMemberships } from "../lib/billing/portal-read";
import { createPromotion, promotionInputSchema } from "../lib/billing/promotions";
import { requestRefund } from "../lib/billing/refunds";
import { createTier } from "../lib/tiers/service";
import { rowKey } from "../lib/db/scopes";
import { tierInputSchema } from "../lib/tiers/validation";
import { createUser } from "./support/fixtures";
import { paidCommunity, payCheckout, stripeHarnessForFile, type PaidCommunity } from "./support/stripe-webhooks";
import { tierForm } from "./support/tier-form";

const h = stripeHarnessForFile();

const deliverAll = async () => {
  for (const d of await h.take()) expect((await h.deliver(d)).status).toBe(200);
};
const stripePriceOf = async (paid: PaidCommunity) => {
  const tier = await paid.inScope((tx) => tx.subscriptionTier.findUniqueOrThrow({ where: rowKey(paid.tierId), select: { stripePriceId: true } }));
  return h.fake.objects.get(tier.stripePriceId!)!;
};
const sessionOf = (url: string) => h.fake.objects.get(new URL(url).pathname.split("/").pop()!)!;
/** A new signed-in user's context in the community (a buyer's checkout, an owner's code). */
const actorIn = async (paid: PaidCommunity, name: string) => {
  const user = await createUser(name);
  return { actor: { id: user.id, discordId: user.discordId, username: name }, community: paid.community, inScope: paid.inScope, origin: "http://x" };
};
/** "Pay" on the fake's hosted Checkout, then every webhook it sent. */
const payAndDeliver = async (url: string) => {
  expect((await fetch(url, { method: "POST", body: new URLSearchParams({ outcome: "pay" }), redirect: "manual" })).status).toBe(303);
  await deliverAll();
};
const onlyPayment = (paid: PaidCommunity) => paid.inScope((tx) => tx.payment.findFirstOrThrow({ select: { id: true, amount: true, currency: true } }));

describe("a three-decimal currency (KWD: Stripe counts thousandths)", () => {
  it("charges the member the tier's price, records it, and refunds what the owner types", async () => {
    const paid = await paidCommunity(h, { price: "9.99", currency: "KWD" });
    // Sent in hundredths (999), Stripe would charge 0.999 KWD.
    expect(await stripePriceOf(paid)).toMatchObject({ unit_amount: 9990, currency: "kwd" });

    const buyer = await actorIn(paid, "kwd_buyer");
    const { url } = await startCheckout(paid.tierId, buyer, h.client);
    expect(await (await fetch(url)).text()).toContain("9.990 KWD / month");
    await payAndDeliver(url);

    const payment = await onlyPayment(paid);
    expect([payment.amount.toFixed(2), payment.currency.toUpperCase()]).toEqual(["9.99", "KWD"]);
    const member = await paid.inScope((tx) => tx.communityMember.findFirstOrThrow({ where: { userId: buyer.actor.id }, select: { totalSpent: true } }));
    expect(member.totalSpent.toFixed(2)).toBe("9.99");

    const refund = await requestRefund({ paymentId: payment.id, amount: "2.50" }, { community: paid.community, inScope: paid.inScope }, h.client);
    expect(refund).toEqual({ amount: "2.50", currency: expect.stringMatching(/^kwd$/i) });
    const refunds = [...h.fake.objects.values()].filter((o) => o.object === "refund");
    expect(refunds.map((r) => r.amount)).toEqual([2500]);
    await deliverAll();
    const after = await paid.inScope((tx) => tx.payment.findUniqueOrThrow({ where: rowKey(payment.id), select: { amountRefunded: true, status: true } }));
    expect([after.amountRefunded.toFixed(2), after.status]).toEqual(["2.50", "partially_refunded"]);
  });

  it("is refused by (fake) Stripe when an amount does not end in 0, as Stripe's card partners require", async () => {
    const paid = await paidCommunity(h);
    const price = await h.client.prices.create(
      { product: String((await stripePriceOf(paid)).product), currency: "kwd", unit_amount: 9999, recurring: { interval: "month" } },
      { stripeAccount: paid.account },
    );
    const attempt = h.client.checkout.sessions.create(
      { mode: "subscription", line_items: [{ price: price.id, quantity: 1 }], success_url: "http://x/s", cancel_url: "http://x/c" },
      { stripeAccount: paid.account },
    );
    await expect(attempt).rejects.toThrow(/must end in 0/);
  });
});

describe("ISK (Stripe counts hundredths, charges whole krónur)", () => {
  it("is priced in whole krónur: a fraction is refused on the form, a whole amount reaches Stripe as hundredths", async () => {
    const fraction = tierInputSchema.safeParse(tierForm({ price: "1500.50", currency: "ISK" }));
    expect(fraction.success).toBe(false);
    expect(fraction.error!.flatten().fieldErrors.price).toEqual(["must be a whole amount in ISK"]);

    const paid = await paidCommunity(h, { price: "1500", currency: "ISK" });
    expect(await stripePriceOf(paid)).toMatchObject({ unit_amount: 150000, currency: "isk" });
    await payCheckout(h, paid, "isk_buyer");
    await deliverAll();
    const payment = await onlyPayment(paid);
    expect(payment.amount.toFixed(2)).toBe("1500.00");
    await expect(
      requestRefund({ paymentId: payment.id, amount: "10.50" }, { community: paid.community, inScope: paid.inScope }, h.client),
    ).rejects.toMatchObject({
      fieldErrors: { amount: [expect.stringContaining("whole units")] },
    });
  });
});

describe("a pass paid in another of its currencies", () => {
  it("carries CommunityOS's fee in that currency (5% of ¥1,500 is ¥75, not 5% of $10.00 read as yen)", async () => {
    const paid = await paidCommunity(h, { price: "10.00", currency: "USD", interval: "once", currencyPrices: "JPY 1500" });
    const inYen = await startCheckout(paid.tierId, { ...(await actorIn(paid, "yen_buyer")), currency: "JPY" }, h.client);
    expect(sessionOf(inYen.url)).toMatchObject({ currency: "jpy", payment_intent_data: { application_fee_amount: "75" } });
    expect(await (await fetch(inYen.url)).text()).toContain("1500 JPY, one payment");

    const inDollars = await startCheckout(paid.tierId, await actorIn(paid, "dollar_buyer"), h.client);
    expect(sessionOf(inDollars.url)).toMatchObject({ currency: "usd", payment_intent_data: { application_fee_amount: "50" } });

    // Paid in yen, it is recorded in yen.
    await payAndDeliver(inYen.url);
    const payment = await onlyPayment(paid);
    expect([payment.amount.toFixed(2), payment.currency.toUpperCase()]).toEqual(["1500.00", "JPY"]);
  });
});

describe("a member who goes back and picks another currency", () => {
  it("gets a Checkout in it: the one left open in the first currency is closed, as Stripe bills a customer in one currency at a time", async () => {
    const paid = await paidCommunity(h, { price: "10.00", currency: "USD", currencyPrices: "EUR 9.00" });
    const ctx = await actorIn(paid, "currency_switcher");
    const inDollars = await startCheckout(paid.tierId, ctx, h.client);
    const inEuros = await startCheckout(paid.tierId, { ...ctx, currency: "EUR" }, h.client);

    expect(sessionOf(inDollars.url).status).toBe("expired");
    expect(await (await fetch(inDollars.url)).text()).toContain("This checkout has expired.");
    expect(sessionOf(inEuros.url)).toMatchObject({ status: "open", currency: "eur" });
    await payAndDeliver(inEuros.url);
    const payment = await onlyPayment(paid);
    expect([payment.amount.toFixed(2), payment.currency.toUpperCase()]).toEqual(["9.00", "EUR"]);
  });

  it("costs a Stripe call only where the community sells in several currencies", async () => {
    const lists = vi.spyOn(h.client.checkout.sessions, "list");
    try {
      const single = await paidCommunity(h, { price: "10.00" });
      const ctx = await actorIn(single, "one_currency_buyer");
      await startCheckout(single.tierId, ctx, h.client);
      await startCheckout(single.tierId, ctx, h.client);
      expect(lists).not.toHaveBeenCalled();

      const several = await paidCommunity(h, { price: "10.00", currencyPrices: "EUR 9.00" });
      const returning = await actorIn(several, "several_currencies_buyer");
      await startCheckout(several.tierId, returning, h.client);
      expect(lists).not.toHaveBeenCalled(); // a new customer has nothing open
      await startCheckout(several.tierId, { ...returning, currency: "EUR" }, h.client);
      expect(lists).toHaveBeenCalledTimes(1);
    } finally {
      lists.mockRestore();
    }
  });
});

describe("a member who pays in another of the tier's currencies, in their portal", () => {
  it("sees what they pay (9.00 EUR, not the tier's $10.00), may switch only to tiers sold in EUR, at their EUR price", async () => {
    const paid = await paidCommunity(h, { name: "Silver", price: "10.00", currencyPrices: "EUR 9.00" });
    const tier = async (fields: Record<string, string>) =>
      (await createTier(tierInputSchema.parse(tierForm(fields)), paid.community, paid.inScope, h.client)).tierId;
    const gold = await tier({ name: "Gold", price: "20.00", currencyPrices: "EUR 18.00" });
    const dollarsOnly = await tier({ name: "Dollars only", price: "15.00" });
    const { actor: buyer, ...ctx } = await actorIn(paid, "euro_member");
    const { url } = await startCheckout(paid.tierId, { actor: buyer, ...ctx, currency: "EUR" }, h.client);
    await payAndDeliver(url);

    const [membership] = (await portalMemberships(buyer.id)).filter((m) => m.community.id === paid.community.id);
    const [subscription] = membership!.subscriptions;
    expect(subscription).toMatchObject({ tierName: "Silver", price: "9.00", currency: "EUR" });
    expect(membership!.totals).toEqual([{ currency: "EUR", amount: "9.00" }]);
    expect(subscription!.switchable).toEqual([{ id: gold, name: "Gold", price: "18.00", currency: "EUR", interval: "monthly", soldOut: false }]);

    // The preview and the switch are in euros at Stripe; a tier not sold in euros is refused before Stripe is asked.
    const preview = await previewTierSwitch(buyer.id, subscription!.id, gold, h.client);
    expect(preview.currency).toBe("EUR");
    expect(Number(preview.amountDue)).toBeGreaterThan(0);
    expect(Number(preview.amountDue)).toBeLessThanOrEqual(9);
    await expect(switchTier(buyer.id, subscription!.id, dollarsOnly, h.client)).rejects.toThrow(PORTAL_ERRORS.otherCurrency);
    await switchTier(buyer.id, subscription!.id, gold, h.client);
    const stripeSub = [...h.fake.objects.values()].find((o) => o.object === "subscription" && o.customer === sessionOf(url).customer)!;
    expect((stripeSub.items as { data: { price: { currency: string; unit_amount: number } }[] }).data[0]!.price).toMatchObject({
      currency: "eur",
      unit_amount: 1800,
    });
  });
});

describe("an amount-off code", () => {
  it("is in one currency: used on prices in it, refused with its reason on prices in another (before Stripe is asked)", async () => {
    const paid = await paidCommunity(h, { price: "10.00", currencyPrices: "EUR 9.00" });
    const input = promotionInputSchema.parse({ kind: "amount", value: "5", duration: "once", code: "FIVEOFF", firstTimeOnly: undefined });
    await createPromotion(input, { ...(await actorIn(paid, "amount_code_owner")), currency: "USD" }, h.client);
    const ctx = { ...(await actorIn(paid, "amount_code_buyer")), promo: "fiveoff" };

    const sessions = () => [...h.fake.objects.values()].filter((o) => o.object === "checkout.session").length;
    const before = sessions();
    await expect(startCheckout(paid.tierId, { ...ctx, currency: "EUR" }, h.client)).rejects.toThrow("That code takes an amount off in USD");
    expect(sessions()).toBe(before);
    const inDollars = await startCheckout(paid.tierId, ctx, h.client);
    expect(sessionOf(inDollars.url)).toMatchObject({ currency: "usd", discounts: [{ promotion_code: expect.stringMatching(/^promo_/) }] });

    // (Fake) Stripe refuses it too, asked directly.
    const priceId = String((await stripePriceOf(paid)).id);
    const code = (sessionOf(inDollars.url).discounts as { promotion_code: string }[])[0]!.promotion_code;
    const direct = h.client.checkout.sessions.create(
      {
        mode: "subscription",
        currency: "eur",
        line_items: [{ price: priceId, quantity: 1 }],
        discounts: [{ promotion_code: code }],
        success_url: "http://x/s",
        cancel_url: "http://x/c",
      },
      { stripeAccount: paid.account },
    );
    await expect(direct).rejects.toThrow(/amount off is in usd/);
  });
});
