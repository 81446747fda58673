// Pricing options against the fake Stripe. Promotion codes: made on the
// connected account as a coupon limited to the chosen tiers' products and a
// promotion code with its limits, mirrored under RLS; a shared link's code is
// applied at checkout (and the member pays the discounted price); a code for
// another tier, an unknown one, or one past its limit is refused with a clear
// message. Trials without a card: started at Checkout with no card, cancelled
// with the member's access if none was added. Stripe Tax: prices taxed as the
// owner chose, the tax charged and recorded, on the receipt too.
import { describe, expect, it } from "vitest";
import { ActionError } from "../lib/actions/action-chain";
import { CHECKOUT_ERRORS, startCheckout } from "../lib/billing/checkout";
import { createPromotion, promotionInputSchema, usablePromotion } from "../lib/billing/promotions";
import { createTier, syncAllTiers } from "../lib/tiers/service";
import { updateCommunity } from "../lib/communities/owner";
import { readSettings, updateCommunitySchema } from "../lib/communities/validation";
import { sendReceipt } from "../lib/members/member-mail";
import { overview } from "../lib/analytics/metrics";
import { tierInputSchema } from "../lib/tiers/validation";
import { db } from "../lib/db/client";
import { withCommunity, rowKey } from "../lib/db/scopes";
import { asOwner, createUser } from "./support/fixtures";
import { chargeOfIntent, paidCommunity, signedEvent, stripeHarnessForFile, type PaidCommunity } from "./support/stripe-webhooks";
import { tierForm } from "./support/tier-form";

const h = stripeHarnessForFile();

const actorOf = async (name: string) => {
  const user = await createUser(name);
  return { id: user.id, discordId: user.discordId, username: name };
};

async function promotion(paid: PaidCommunity, fields: Record<string, string | string[]>) {
  const input = promotionInputSchema.parse({ kind: "percent", value: "20", duration: "once", firstTimeOnly: undefined, ...fields });
  return createPromotion(input, { actor: await actorOf("promo_owner"), community: paid.community, inScope: paid.inScope, currency: "USD" }, h.client);
}

async function checkout(paid: PaidCommunity, tierId: string, promo: string | null, name = "promo_buyer") {
  const actor = await actorOf(name);
  return startCheckout(tierId, { actor, community: paid.community, inScope: paid.inScope, origin: "http://localhost", promo }, h.client);
}

const sessionOf = (url: string) => h.fake.objects.get(new URL(url).pathname.split("/").pop()!)!;

describe("promotion codes", () => {
  it("are a coupon for the chosen tiers and a code with its limits at Stripe, and a row here", async () => {
    const paid = await paidCommunity(h);
    const made = await promotion(paid, {
      code: "spring20",
      tierIds: [paid.tierId],
      maxRedemptions: "50",
      firstTimeOnly: "on",
      duration: "repeating",
      months: "3",
    });
    expect(made).toEqual({ code: "SPRING20", link: `/c/${paid.community.slug}?promo=SPRING20` });
    const row = await paid.inScope((tx) => tx.promotionCode.findFirstOrThrow({ where: { code: "SPRING20" } }));
    const tier = await paid.inScope((tx) => tx.subscriptionTier.findUniqueOrThrow({ where: rowKey(paid.tierId), select: { stripeProductId: true } }));
    expect(h.fake.objects.get(row.stripeCouponId)).toMatchObject({
      percent_off: 20,
      duration: "repeating",
      duration_in_months: 3,
      applies_to: { products: [tier.stripeProductId] },
    });
    expect(h.fake.objects.get(row.stripePromotionCodeId)).toMatchObject({
      code: "SPRING20",
      max_redemptions: 50,
      restrictions: { first_time_transaction: true },
    });
    // The same name twice is refused before Stripe is asked.
    await expect(promotion(paid, { code: "Spring20" })).rejects.toThrow("Please correct the highlighted fields.");
  });

  it("from a shared link, the checkout carries the code and the member pays the discounted price", async () => {
    const paid = await paidCommunity(h);
    await promotion(paid, { code: "HALF", value: "50" });
    const { url } = await checkout(paid, paid.tierId, "half");
    const session = sessionOf(url);
    expect(session.allow_promotion_codes).toBe(false);
    expect((session.discounts as { promotion_code: string }[])[0]!.promotion_code).toMatch(/^promo_/);
    expect((session.metadata as Record<string, string>).promotion_code).toBe("HALF");
    expect((await fetch(url, { method: "POST", body: new URLSearchParams({ outcome: "pay" }), redirect: "manual" })).status).toBe(303);
    for (const d of await h.take()) await h.deliver(d);
    const payment = await paid.inScope((tx) => tx.payment.findFirstOrThrow({ select: { amount: true } }));
    expect(payment.amount.toFixed(2)).toBe("5.00");
    // Without a code, the member may still type one at Stripe.
    expect(sessionOf((await checkout(paid, paid.tierId, null, "plain_buyer")).url).allow_promotion_codes).toBe(true);
  });

  it("refuses a code for another tier, an unknown code, and one Stripe says is used up", async () => {
    const paid = await paidCommunity(h);
    const other = await createTier(tierInputSchema.parse(tierForm({ name: "Silver", price: "4.00" })), paid.community, paid.inScope, h.client);
    await promotion(paid, { code: "GOLDONLY", tierIds: [paid.tierId] });
    await expect(checkout(paid, other.tierId, "GOLDONLY")).rejects.toThrow(CHECKOUT_ERRORS.promoInvalid);
    await expect(checkout(paid, paid.tierId, "NOSUCH")).rejects.toThrow(CHECKOUT_ERRORS.promoInvalid);

    await promotion(paid, { code: "ONCEONLY", maxRedemptions: "1" });
    const first = await checkout(paid, paid.tierId, "ONCEONLY", "first_buyer");
    await fetch(first.url, { method: "POST", body: new URLSearchParams({ outcome: "pay" }), redirect: "manual" });
    const refused = await checkout(paid, paid.tierId, "ONCEONLY", "second_buyer").catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ActionError);
    expect((refused as Error).message).toContain("used the maximum number of times");
  });

  it("are tenant data: another community never finds them", async () => {
    const a = await paidCommunity(h);
    const b = await paidCommunity(h);
    await promotion(a, { code: "ONLYA" });
    expect(await withCommunity(b.community.id, (tx) => usablePromotion(tx, "ONLYA", null))).toBeNull();
    expect(await withCommunity(a.community.id, (tx) => usablePromotion(tx, "onlya", null))).toMatchObject({ code: "ONLYA" });
    await expect(checkout(b, b.tierId, "ONLYA")).rejects.toThrow(CHECKOUT_ERRORS.promoInvalid);
  });
});

describe("trials without a card", () => {
  it("start at Checkout with no card, and end cancelled (with the member's access) if none was added", async () => {
    const paid = await paidCommunity(h, { trialDays: "7", trialWithoutCard: "on" });
    const { url } = await checkout(paid, paid.tierId, null, "trial_buyer");
    const session = sessionOf(url);
    expect(session.payment_method_collection).toBe("if_required");
    expect((session.subscription_data as { trial_settings: unknown }).trial_settings).toEqual({ end_behavior: { missing_payment_method: "cancel" } });
    expect(await (await fetch(url)).text()).toContain("Start free trial");
    await fetch(url, { method: "POST", body: new URLSearchParams({ outcome: "pay" }), redirect: "manual" });
    for (const d of await h.take()) await h.deliver(d);
    const member = () =>
      paid.inScope((tx) => tx.communityMember.findFirstOrThrow({ where: { stripeCustomerId: { not: null } }, select: { subscriptionStatus: true } }));
    expect((await member()).subscriptionStatus).toBe("trialing");
    expect(await paid.inScope((tx) => tx.payment.count())).toBe(0);

    // The trial ends with no card: Stripe cancels; no invoice, no charge.
    const subscriptionId = String(session.subscription ?? h.fake.objects.get(new URL(url).pathname.split("/").pop()!)!.subscription);
    expect(h.fake.simulate.renewal(subscriptionId, "paid")).toBeNull();
    for (const d of await h.take()) await h.deliver(d);
    expect((await member()).subscriptionStatus).toBe("canceled");
    expect(await paid.inScope((tx) => tx.payment.count())).toBe(0);
  });

  it("needs a trial: the option alone is refused", async () => {
    const { tierInputSchema: schema } = await import("../lib/tiers/validation");
    const parsed = schema.safeParse(tierForm({ name: "No trial", price: "3.00", trialWithoutCard: "on" }));
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.path.join("."))).toEqual(["trialWithoutCard"]);
  });
});

describe("Stripe Tax", () => {
  async function taxed(taxMode: "exclusive" | "inclusive") {
    const paid = await paidCommunity(h);
    const before = await paid.inScope((tx) => tx.subscriptionTier.findUniqueOrThrow({ where: rowKey(paid.tierId), select: { stripePriceId: true } }));
    // The owner turns taxes on: the settings save queues a new price for every tier.
    const community = await db.community.findUniqueOrThrow({
      where: { id: paid.community.id },
      select: { name: true, slug: true, description: true, status: true, settings: true },
    });
    const input = updateCommunitySchema.parse({
      ...community,
      description: community.description ?? "",
      ...readSettings(community.settings),
      supportUrl: "",
      showMemberCount: "on",
      taxMode,
    });
    await paid.inScope((tx) => updateCommunity(input, paid.community, tx));
    const queued = await asOwner(
      async (c) =>
        (
          await c.query(
            "SELECT j.payload FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE t.identifier = 'billing:sync_tiers' AND j.payload->>'communityId' = $1",
            [paid.community.id],
          )
        ).rows,
    );
    expect(queued).toEqual([{ payload: { communityId: paid.community.id, all: true } }]);
    await syncAllTiers(paid.community, paid.inScope, h.client, { all: true });
    const after = await paid.inScope((tx) => tx.subscriptionTier.findUniqueOrThrow({ where: rowKey(paid.tierId), select: { stripePriceId: true } }));
    expect(after.stripePriceId).not.toBe(before.stripePriceId);
    expect(h.fake.objects.get(after.stripePriceId!)).toMatchObject({ tax_behavior: taxMode, unit_amount: 1000, active: true });
    expect(h.fake.objects.get(before.stripePriceId!)).toMatchObject({ active: false });
    return paid;
  }

  async function payTaxed(paid: PaidCommunity) {
    const actor = await actorOf("tax_buyer");
    await db.user.update({ where: { id: actor.id }, data: { email: `tax-${actor.discordId}@example.com` } });
    const { url } = await startCheckout(paid.tierId, { actor, community: paid.community, inScope: paid.inScope, origin: "http://localhost" }, h.client);
    const session = sessionOf(url);
    expect(session.automatic_tax).toMatchObject({ enabled: true, liability: { type: "self" } });
    await fetch(url, { method: "POST", body: new URLSearchParams({ outcome: "pay" }), redirect: "manual" });
    for (const d of await h.take()) await h.deliver(d);
    return {
      payment: await paid.inScope((tx) => tx.payment.findFirstOrThrow({ select: { id: true, amount: true, taxAmount: true } })),
      email: `tax-${actor.discordId}@example.com`,
    };
  }

  it("added to the price: the member pays the price and the tax, both recorded, and the receipt says so", async () => {
    const paid = await taxed("exclusive");
    const { payment, email } = await payTaxed(paid);
    expect([payment.amount.toFixed(2), payment.taxAmount.toFixed(2)]).toEqual(["11.00", "1.00"]);
    expect(await sendReceipt(paid.community.id, payment.id)).toBe("sent");
    const mail = (await (await fetch(`${process.env.MAIL_INBOX_URL}/messages?to=${encodeURIComponent(email)}`)).json()) as { text: string }[];
    expect(mail[0]!.text).toContain("Amount paid: $11.00");
    expect(mail[0]!.text).toContain("Of which tax: $1.00");
  });

  it("included in the price: the member pays the price, of which the tax is a part", async () => {
    const paid = await taxed("inclusive");
    const { payment } = await payTaxed(paid);
    expect([payment.amount.toFixed(2), payment.taxAmount.toFixed(2)]).toEqual(["10.00", "0.91"]);
  });
});

describe("passes (one payment)", () => {
  const passTier = (fields: Record<string, string>) =>
    tierInputSchema.parse(
      tierForm({ name: `Pass ${Math.random().toString(36).slice(2, 8)}`, price: "50.00", interval: "once", discordRoleId: "123456789012345679", ...fields }),
    );

  async function buy(paid: PaidCommunity, tierId: string, amount?: string) {
    const actor = await actorOf("pass_buyer");
    const { url } = await startCheckout(tierId, { actor, community: paid.community, inScope: paid.inScope, origin: "http://localhost" }, h.client);
    const answer = await fetch(url, { method: "POST", body: new URLSearchParams({ outcome: "pay", ...(amount ? { amount } : {}) }), redirect: "manual" });
    const deliveries = await h.take();
    for (const d of deliveries) await h.deliver(d);
    const memberId = (await paid.inScope((tx) => tx.communityMember.findFirstOrThrow({ where: { userId: actor.id }, select: { id: true } }))).id;
    return { actor, url, answer, deliveries, memberId };
  }
  const standing = (paid: PaidCommunity, memberId: string) =>
    paid.inScope((tx) =>
      tx.communityMember.findUniqueOrThrow({
        where: rowKey(memberId),
        select: { subscriptionStatus: true, subscriptionTier: true, subscriptionExpiresAt: true },
      }),
    );

  it("a lifetime pass: one payment in payment mode, access for good, roles, once per session however often the webhook comes", async () => {
    const paid = await paidCommunity(h);
    const { tierId } = await createTier(passTier({ name: "Lifetime" }), paid.community, paid.inScope, h.client);
    const tier = await paid.inScope((tx) => tx.subscriptionTier.findUniqueOrThrow({ where: rowKey(tierId), select: { stripePriceId: true } }));
    expect(h.fake.objects.get(tier.stripePriceId!)).toMatchObject({ type: "one_time", recurring: null, unit_amount: 5000 });
    const { url, answer, deliveries, memberId } = await buy(paid, tierId);
    expect(answer.status).toBe(303);
    expect(sessionOf(url)).toMatchObject({ mode: "payment", payment_status: "paid", amount_total: 5000 });
    expect((sessionOf(url).payment_intent_data as { application_fee_amount: string }).application_fee_amount).toBe("250");
    expect(await standing(paid, memberId)).toEqual({ subscriptionStatus: "pass", subscriptionTier: "Lifetime", subscriptionExpiresAt: null });
    const { rolePlan } = await import("../lib/discord/desired-roles");
    expect([...(await paid.inScope((tx) => rolePlan(tx, memberId, new Date())))!.desired]).toEqual(["123456789012345679"]);
    // Stripe delivers again: nothing more is recorded.
    for (const d of deliveries) await h.deliver({ ...d, ...signedEvent(d.type, JSON.parse(d.raw).data.object, paid.account) });
    const payments = await paid.inScope((tx) => tx.payment.findMany({ where: { memberId }, select: { amount: true, stripePaymentIntentId: true } }));
    expect(payments.map((p) => p.amount.toFixed(2))).toEqual(["50.00"]);
    expect(payments[0]!.stripePaymentIntentId).toMatch(/^pi_/);
    // A second pass while holding one is refused.
    const holder = await paid.inScope((tx) => tx.communityMember.findUniqueOrThrow({ where: rowKey(memberId), select: { userId: true, discordUserId: true } }));
    await expect(
      startCheckout(
        tierId,
        {
          actor: { id: holder.userId, discordId: holder.discordUserId, username: "again" },
          community: paid.community,
          inScope: paid.inScope,
          origin: "http://localhost",
        },
        h.client,
      ),
    ).rejects.toThrow(CHECKOUT_ERRORS.passHeld);
  });

  it("a 30-day pass ends on its day; a refunded pass ends at once", async () => {
    const paid = await paidCommunity(h);
    const { tierId } = await createTier(passTier({ name: "Month pass", price: "9.00", accessDays: "30" }), paid.community, paid.inScope, h.client);
    const first = await buy(paid, tierId);
    const expires = (await standing(paid, first.memberId)).subscriptionExpiresAt!;
    expect(Math.round((expires.getTime() - Date.now()) / 86_400_000)).toBe(30);
    const { advanceLapses } = await import("../lib/billing/lapse-sweep");
    expect(await advanceLapses(paid.community.id, new Date(Date.now() + 31 * 86_400_000))).toEqual([{ memberId: first.memberId, status: "none" }]);

    const second = await buy(paid, tierId);
    expect((await standing(paid, second.memberId)).subscriptionStatus).toBe("pass");
    const pi = (await paid.inScope((tx) => tx.payment.findFirstOrThrow({ where: { memberId: second.memberId }, select: { stripePaymentIntentId: true } })))
      .stripePaymentIntentId!;
    await h.client.refunds.create({ payment_intent: pi }, { stripeAccount: paid.account });
    for (const d of await h.take()) await h.deliver(d);
    expect((await standing(paid, second.memberId)).subscriptionStatus).toBe("none");
    // A refunded pass is no longer held: the member may buy one again.
    const { url } = await startCheckout(
      tierId,
      { actor: second.actor, community: paid.community, inScope: paid.inScope, origin: "http://localhost" },
      h.client,
    );
    expect(sessionOf(url).mode).toBe("payment");
  });

  it("a lifetime pass is suspended while its charge is disputed, and gone once the dispute is lost", async () => {
    const paid = await paidCommunity(h);
    const { tierId } = await createTier(passTier({ name: "Disputed pass" }), paid.community, paid.inScope, h.client);
    const { memberId } = await buy(paid, tierId);
    const { stripePaymentIntentId } = await paid.inScope((tx) => tx.payment.findFirstOrThrow({ where: { memberId }, select: { stripePaymentIntentId: true } }));
    const dispute = h.fake.simulate.dispute(chargeOfIntent(h, stripePaymentIntentId!).id);
    for (const d of await h.take()) await h.deliver(d);
    expect((await standing(paid, memberId)).subscriptionStatus).toBe("suspended");
    h.fake.simulate.closeDispute(dispute.id, "lost");
    for (const d of await h.take()) await h.deliver(d);
    expect(await standing(paid, memberId)).toMatchObject({ subscriptionStatus: "none" });
  });

  it("pay what you want: the member's amount, at least the minimum", async () => {
    const paid = await paidCommunity(h);
    const { tierId } = await createTier(
      passTier({ name: "Supporter pass", price: "5.00", payWhatYouWant: "on", suggestedPrice: "12.00" }),
      paid.community,
      paid.inScope,
      h.client,
    );
    const tier = await paid.inScope((tx) => tx.subscriptionTier.findUniqueOrThrow({ where: rowKey(tierId), select: { stripePriceId: true } }));
    expect(h.fake.objects.get(tier.stripePriceId!)).toMatchObject({ unit_amount: null, custom_unit_amount: { minimum: 500, preset: 1200 } });
    const low = await buy(paid, tierId, "3.00");
    expect(low.answer.status).toBe(400);
    expect(await low.answer.text()).toContain("Enter at least 5.00 USD.");
    expect((await standing(paid, low.memberId)).subscriptionStatus).toBe("none");
    const generous = await buy(paid, tierId, "20.00");
    const payment = await paid.inScope((tx) => tx.payment.findFirstOrThrow({ where: { memberId: generous.memberId }, select: { amount: true } }));
    expect(payment.amount.toFixed(2)).toBe("20.00");
  });

  it("only a pass has days, a chosen price or no trial", () => {
    const issues = (fields: Record<string, string>) =>
      tierInputSchema.safeParse(tierForm({ name: "X", price: "5.00", ...fields })).error?.issues.map((i) => i.path.join(".")) ?? [];
    expect(issues({ interval: "monthly", accessDays: "30" })).toEqual(["accessDays"]);
    expect(issues({ interval: "monthly", payWhatYouWant: "on" })).toEqual(["payWhatYouWant"]);
    expect(issues({ interval: "once", trialDays: "7" })).toEqual(["trialDays"]);
    expect(issues({ interval: "once", payWhatYouWant: "on", suggestedPrice: "2.00" })).toEqual(["suggestedPrice"]);
  });
});

describe("several currencies", () => {
  it("one Stripe price with currency_options; the member pays in the currency they chose; MRR counts it in that currency", async () => {
    const paid = await paidCommunity(h, { currencyPrices: "eur 9.00\nGBP 8.50" });
    const tier = await paid.inScope((tx) =>
      tx.subscriptionTier.findUniqueOrThrow({ where: rowKey(paid.tierId), select: { stripePriceId: true, currencyPrices: true } }),
    );
    expect(tier.currencyPrices).toEqual({ EUR: "9.00", GBP: "8.50" });
    expect(h.fake.objects.get(tier.stripePriceId!)).toMatchObject({
      currency: "usd",
      unit_amount: 1000,
      currency_options: { eur: { unit_amount: 900 }, gbp: { unit_amount: 850 } },
    });

    const actor = await actorOf("euro_buyer");
    const { url } = await startCheckout(
      paid.tierId,
      { actor, community: paid.community, inScope: paid.inScope, origin: "http://localhost", currency: "EUR" },
      h.client,
    );
    expect(sessionOf(url).currency).toBe("eur");
    expect(await (await fetch(url)).text()).toContain("9.00 EUR / month");
    await fetch(url, { method: "POST", body: new URLSearchParams({ outcome: "pay" }), redirect: "manual" });
    for (const d of await h.take()) await h.deliver(d);
    const payment = await paid.inScope((tx) => tx.payment.findFirstOrThrow({ select: { amount: true, currency: true } }));
    expect([payment.amount.toFixed(2), payment.currency]).toEqual(["9.00", "EUR"]);
    expect((await overview(paid.community.id, paid.inScope)).mrr).toEqual([{ currency: "EUR", amount: "9.00" }]);

    // A currency the tier is not sold in is refused.
    await expect(
      startCheckout(
        paid.tierId,
        { actor: await actorOf("yen_buyer"), community: paid.community, inScope: paid.inScope, origin: "http://localhost", currency: "JPY" },
        h.client,
      ),
    ).rejects.toThrow(CHECKOUT_ERRORS.currency);
  });

  it("a changed price in another currency makes a new Stripe price; bad lines are refused with the line named", async () => {
    const paid = await paidCommunity(h, { currencyPrices: "EUR 9.00" });
    const before = (await paid.inScope((tx) => tx.subscriptionTier.findUniqueOrThrow({ where: rowKey(paid.tierId), select: { stripePriceId: true } })))
      .stripePriceId;
    const { updateTier } = await import("../lib/tiers/service");
    const raw = tierForm({ discordRoleId: "123456789012345678", currencyPrices: "EUR 9.50" });
    const input = tierInputSchema.parse(raw);
    await updateTier(paid.tierId, input, paid.community, paid.inScope, h.client);
    const after = (await paid.inScope((tx) => tx.subscriptionTier.findUniqueOrThrow({ where: rowKey(paid.tierId), select: { stripePriceId: true } })))
      .stripePriceId;
    expect(after).not.toBe(before);
    expect(h.fake.objects.get(after!)).toMatchObject({ currency_options: { eur: { unit_amount: 950 } } });
    expect(h.fake.objects.get(before!)).toMatchObject({ active: false });
    const bad = tierInputSchema.safeParse({ ...raw, currencyPrices: "EURO 9" });
    expect(bad.error?.issues.map((i) => i.message)).toEqual(["“EURO 9” should look like EUR 9.00"]);
    expect(tierInputSchema.safeParse({ ...raw, currencyPrices: "USD 9.00" }).error?.issues.map((i) => i.message)).toEqual(["USD is the tier's own currency"]);
  });
});
