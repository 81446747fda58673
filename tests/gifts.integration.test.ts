// Gift memberships through the whole path against the fake Stripe: the owner
// turns gifts on; a buyer pays once (Checkout in payment mode, an ad-hoc price
// times the periods); checkout.session.completed records the buyer's payment
// and the gift with its link, once however often it comes; whoever claims the
// link gets the months as a pass, with roles; a second claim, a refunded gift,
// a paying member and a full tier are refused; a refund ends claimed months,
// and a dispute suspends the recipient (the months gone if it is lost).
import { describe, expect, it } from "vitest";
import { addDays, addMonths } from "date-fns";
import { startGiftCheckout, GIFT_CHECKOUT_ERRORS } from "../lib/gifts/checkout";
import { claimGift, giftForCode, GIFT_ERRORS } from "../lib/gifts/claim";
import { giftsBoughtBy, giftsPage } from "../lib/gifts/read";
import { describeGift, giftCharge, giftLengthFromMetadata, giftLengthMetadata, giftLengths, pickGiftLength } from "../lib/gifts/offer";
import { JOB_KINDS } from "../lib/jobs/enqueue";
import { exportUserData } from "../lib/gdpr/export";
import { COMP_ERRORS, revokeComp } from "../lib/members/comp-access";
import { endMembership } from "../lib/gdpr/membership-exit";
import { saveGiftsSetting } from "../lib/communities/owner";
import { CHECKOUT_ERRORS, startCheckout } from "../lib/billing/checkout";
import { createTier } from "../lib/tiers/service";
import { tierInputSchema } from "../lib/tiers/validation";
import { createUser, queuedJobs } from "./support/fixtures";
import { tierForm } from "./support/tier-form";
import { chargeOfIntent, paidCommunity, payCheckout, stripeHarnessForFile, type PaidCommunity } from "./support/stripe-webhooks";
import { rowKey } from "../lib/db/scopes";

const h = stripeHarnessForFile();

const deliverAll = async () => {
  for (const d of await h.take()) expect((await h.deliver(d)).status).toBe(200);
};

async function giftsOn(paid: PaidCommunity) {
  await paid.inScope((tx) => saveGiftsSetting(tx, paid.community.id, true));
}

async function person(name: string) {
  const user = await createUser(name);
  return { id: user.id, discordId: user.discordId, username: name };
}

/** A buyer pays for a gift on the fake's hosted Checkout; the webhooks are delivered. */
async function buyGift(
  paid: PaidCommunity,
  name: string,
  input: { months?: number; tierId?: string; message?: string | null; currency?: string | null; amount?: string },
) {
  const actor = await person(name);
  const { url } = await startGiftCheckout(
    { tierId: input.tierId ?? paid.tierId, months: input.months, message: input.message ?? null, currency: input.currency ?? null },
    { actor, community: paid.community, inScope: paid.inScope, origin: "http://localhost" },
    h.client,
  );
  const session = h.fake.objects.get(new URL(url).pathname.split("/").pop()!)!;
  // A pass whose buyer names the price: the amount typed on Stripe's page.
  const paying = new URLSearchParams({ outcome: "pay", ...(input.amount ? { amount: input.amount } : {}) });
  expect((await fetch(url, { method: "POST", body: paying, redirect: "manual" })).status).toBe(303);
  const deliveries = await h.take();
  for (const d of deliveries) expect((await h.deliver(d)).status).toBe(200);
  const buyer = await paid.inScope((tx) => tx.communityMember.findFirstOrThrow({ where: { userId: actor.id }, select: { id: true } }));
  const [gift] = await paid.inScope((tx) => giftsBoughtBy(tx, buyer.id));
  return { actor, session, deliveries, buyerId: buyer.id, gift: gift! };
}

const claim = (paid: PaidCommunity, code: string, who: { id: string; discordId: string }, now = new Date()) =>
  paid.inScope((tx) => claimGift(tx, paid.community.id, code, { userId: who.id, discordUserId: who.discordId }, now));

/** The role sync queued for the member (one job per member, its reason the latest). */
const roleSyncFor = async (paid: PaidCommunity, memberId: string) =>
  (await queuedJobs<{ memberId: string; reason: string }>(paid.community.id)).find((j) => j.kind === JOB_KINDS.roleSync && j.payload.memberId === memberId)
    ?.payload.reason;

const standingOf = (paid: PaidCommunity, userId: string) =>
  paid.inScope((tx) =>
    tx.communityMember.findFirstOrThrow({
      where: { userId },
      select: { id: true, subscriptionStatus: true, subscriptionTier: true, subscriptionExpiresAt: true },
    }),
  );

describe("gift memberships", () => {
  it("are refused while the owner has not turned them on", async () => {
    const paid = await paidCommunity(h);
    const actor = await person("gift_early");
    await expect(
      startGiftCheckout(
        { tierId: paid.tierId, months: 3, message: null, currency: null },
        { actor, community: paid.community, inScope: paid.inScope, origin: "http://x" },
        h.client,
      ),
    ).rejects.toThrow(GIFT_CHECKOUT_ERRORS.off);
  });

  it("are paid once for the months, recorded once with a link, and claimed as months of the tier with its role", async () => {
    const paid = await paidCommunity(h);
    await giftsOn(paid);
    const { session, deliveries, buyerId, gift } = await buyGift(paid, "gift_buyer", { months: 3, message: "Happy holidays!" });

    // Stripe's Checkout: one payment of 3 × $10.00, as an ad-hoc one-time price, the fee on the total.
    expect(session.mode).toBe("payment");
    const line = (session.line_items as { data: { price: Record<string, unknown>; quantity: number }[] }).data[0]!;
    expect(line).toMatchObject({ quantity: 3, price: { unit_amount: 1000, currency: "usd", recurring: null, active: false } });
    expect(session.amount_total).toBe(3000);
    expect(session.metadata).toMatchObject({ kind: "gift", gift_months: "3", gift_message: "Happy holidays!" });

    // The buyer's payment and the gift; nothing granted to the buyer.
    expect(gift).toMatchObject({
      tierName: "Gold",
      length: { months: 3 },
      amount: "30.00",
      currency: "USD",
      state: "waiting",
      buyer: expect.stringMatching(/^gift_buyer/),
    });
    expect(gift.code).toMatch(/^[0-9a-f]{32}$/);
    const buyer = await paid.inScope((tx) =>
      tx.communityMember.findUniqueOrThrow({
        where: { communityId_id: { communityId: paid.community.id, id: buyerId } },
        select: { subscriptionStatus: true, totalSpent: true },
      }),
    );
    expect(buyer.subscriptionStatus).toBe("none");
    expect(buyer.totalSpent.toFixed(2)).toBe("30.00");
    const payment = await paid.inScope((tx) => tx.payment.findFirstOrThrow({ where: { memberId: buyerId }, select: { description: true, amount: true } }));
    expect(payment).toMatchObject({ description: "Gold (gift, 3 months)" });

    // Stripe sends the completion again: nothing doubles.
    for (const d of deliveries) expect((await h.deliver(d)).status).toBe(200);
    expect((await paid.inScope((tx) => giftsPage(tx, 1))).total).toBe(1);
    expect(await paid.inScope((tx) => tx.payment.count({ where: { memberId: buyerId } }))).toBe(1);

    // The link's page, before the claim.
    expect(await paid.inScope((tx) => giftForCode(tx, gift.code))).toMatchObject({
      tierName: "Gold",
      length: { months: 3 },
      from: expect.stringMatching(/^gift_buyer/),
      message: "Happy holidays!",
      claimedAt: null,
      void: false,
    });

    // The claim: three calendar months of Gold from now, a role sync for the recipient.
    const friend = await person("gift_friend");
    const now = new Date();
    const claimed = await claim(paid, gift.code, friend, now);
    expect(claimed).toEqual({ tierName: "Gold", until: addMonths(now, 3) });
    expect(await standingOf(paid, friend.id)).toMatchObject({ subscriptionStatus: "pass", subscriptionTier: "Gold", subscriptionExpiresAt: addMonths(now, 3) });
    const member = await standingOf(paid, friend.id);
    expect(await roleSyncFor(paid, member.id)).toBe("gift of Gold");
    expect((await paid.inScope((tx) => giftsBoughtBy(tx, buyerId)))[0]).toMatchObject({ state: "claimed", recipient: expect.stringMatching(/^gift_friend/) });

    // Paid for: the owner's "revoke free access" does not reach it (a refund does, below).
    const grant = await paid.inScope((tx) => tx.accessGrant.findFirstOrThrow({ where: { memberId: member.id }, select: { id: true } }));
    await expect(paid.inScope((tx) => revokeComp(tx, paid.community.id, null, { memberId: member.id, grantId: grant.id }))).rejects.toThrow(
      COMP_ERRORS.notFound,
    );

    // One claim wins: the same link again, by anyone, is refused.
    await expect(claim(paid, gift.code, await person("gift_late"))).rejects.toThrow(GIFT_ERRORS.claimed);
    await expect(claim(paid, gift.code, friend)).rejects.toThrow(GIFT_ERRORS.claimed);
    await expect(claim(paid, "0".repeat(32), friend)).rejects.toThrow(GIFT_ERRORS.unknown);

    // The months end on their day (the sweep), as a pass's do.
    const { advanceLapses } = await import("../lib/billing/lapse-sweep");
    expect(await advanceLapses(paid.community.id, addMonths(now, 3.2))).toContainEqual({ memberId: member.id, status: "none" });
  });

  it("a second gift of the same tier follows the first; a lifetime pass or a paying member is refused", async () => {
    const paid = await paidCommunity(h);
    await giftsOn(paid);
    const first = await buyGift(paid, "gift_stack_a", { months: 1 });
    const second = await buyGift(paid, "gift_stack_b", { months: 6 });
    const friend = await person("gift_stack_friend");
    const now = new Date();
    const one = await claim(paid, first.gift.code, friend, now);
    const two = await claim(paid, second.gift.code, friend, now);
    expect(two.until).toEqual(addMonths(one.until!, 6));
    expect((await standingOf(paid, friend.id)).subscriptionExpiresAt).toEqual(addMonths(one.until!, 6));

    // Someone who pays for a subscription here would run the gift unused alongside it.
    const subscriber = await payCheckout(h, paid, "gift_subscriber");
    await deliverAll();
    const third = await buyGift(paid, "gift_stack_c", { months: 1 });
    await expect(claim(paid, third.gift.code, { id: subscriber.actor.id, discordId: subscriber.actor.discordId })).rejects.toThrow(GIFT_ERRORS.subscribed);
    // The refusal wrote nothing: the gift is still there for someone else.
    expect(await paid.inScope((tx) => giftForCode(tx, third.gift.code))).toMatchObject({ claimedAt: null });
  });

  it("the recipient keeps the tier after the gift: subscribing now bills from the gift's end (Stripe's trial end), not twice", async () => {
    const paid = await paidCommunity(h);
    await giftsOn(paid);
    const { gift } = await buyGift(paid, "gift_keep_buyer", { months: 3 });
    const friend = await person("gift_keep_friend");
    const { until } = await claim(paid, gift.code, friend);
    const ctx = { actor: friend, community: paid.community, inScope: paid.inScope, origin: "http://localhost" };
    const { url } = await startCheckout(paid.tierId, ctx, h.client);
    const session = h.fake.objects.get(new URL(url).pathname.split("/").pop()!)!;
    expect(session.subscription_data).toMatchObject({ trial_end: String(Math.floor(until!.getTime() / 1000)) });
    expect(session.subscription_data).not.toHaveProperty("trial_period_days");
    expect((await fetch(url, { method: "POST", body: new URLSearchParams({ outcome: "pay" }), redirect: "manual" })).status).toBe(303);
    const deliveries = await h.take();
    // Nothing is charged now: no invoice until the gift's end.
    expect(deliveries.map((d) => d.type)).not.toContain("invoice.paid");
    for (const d of deliveries) expect((await h.deliver(d)).status).toBe(200);
    const subscription = await paid.inScope((tx) =>
      tx.subscription.findFirstOrThrow({ where: { member: { userId: friend.id } }, select: { status: true, currentPeriodEnd: true } }),
    );
    expect(subscription.status).toBe("trialing");
    expect(Math.abs(subscription.currentPeriodEnd.getTime() - until!.getTime())).toBeLessThan(1000);
    expect((await standingOf(paid, friend.id)).subscriptionStatus).toBe("trialing");
  });

  it("the fake refuses a trial end Stripe refuses: nearer than 48 hours, or with trial days", async () => {
    const paid = await paidCommunity(h);
    const customer = await h.client.customers.create({}, { stripeAccount: paid.account });
    const price = (await paid.inScope((tx) => tx.subscriptionTier.findFirstOrThrow({ where: { id: paid.tierId }, select: { stripePriceId: true } })))
      .stripePriceId!;
    const base = {
      mode: "subscription" as const,
      customer: customer.id,
      line_items: [{ price, quantity: 1 }],
      success_url: "http://x/s",
      cancel_url: "http://x/c",
    };
    const soon = Math.floor(Date.now() / 1000) + 47 * 3600;
    await expect(h.client.checkout.sessions.create({ ...base, subscription_data: { trial_end: soon } }, { stripeAccount: paid.account })).rejects.toThrow(
      /48 hours/,
    );
    await expect(
      h.client.checkout.sessions.create({ ...base, subscription_data: { trial_end: soon + 7200, trial_period_days: 7 } }, { stripeAccount: paid.account }),
    ).rejects.toThrow(/only specify one/);
  });

  it("a refunded gift can't be claimed, and a refund of a claimed one ends the recipient's months", async () => {
    const paid = await paidCommunity(h);
    await giftsOn(paid);
    const refundAll = async (buyerId: string) => {
      const pi = (await paid.inScope((tx) => tx.payment.findFirstOrThrow({ where: { memberId: buyerId }, select: { stripePaymentIntentId: true } })))
        .stripePaymentIntentId!;
      await h.client.refunds.create({ payment_intent: pi }, { stripeAccount: paid.account });
      await deliverAll();
    };
    const unclaimed = await buyGift(paid, "gift_refund_a", { months: 1 });
    await refundAll(unclaimed.buyerId);
    await expect(claim(paid, unclaimed.gift.code, await person("gift_refund_friend_a"))).rejects.toThrow(GIFT_ERRORS.refunded);
    expect((await paid.inScope((tx) => giftsBoughtBy(tx, unclaimed.buyerId)))[0]!.state).toBe("refunded");

    const claimed = await buyGift(paid, "gift_refund_b", { months: 3 });
    const friend = await person("gift_refund_friend_b");
    await claim(paid, claimed.gift.code, friend);
    expect((await standingOf(paid, friend.id)).subscriptionStatus).toBe("pass");
    const friendId = (await standingOf(paid, friend.id)).id;
    await refundAll(claimed.buyerId);
    expect((await standingOf(paid, friend.id)).subscriptionStatus).toBe("none");
    // The bot is asked to take the role back.
    expect(await roleSyncFor(paid, friendId)).toBe("gift refunded");
  });

  it("a dispute of a claimed gift suspends the recipient while open: the months back when won, gone when lost", async () => {
    const paid = await paidCommunity(h);
    await giftsOn(paid);
    const chargeOf = async (buyerId: string) => {
      const { stripePaymentIntentId } = await paid.inScope((tx) =>
        tx.payment.findFirstOrThrow({ where: { memberId: buyerId }, select: { stripePaymentIntentId: true } }),
      );
      return chargeOfIntent(h, stripePaymentIntentId!);
    };
    for (const outcome of ["won", "lost"] as const) {
      const bought = await buyGift(paid, `gift_dispute_${outcome}`, { months: 3 });
      const friend = await person(`gift_dispute_friend_${outcome}`);
      await claim(paid, bought.gift.code, friend);
      const friendId = (await standingOf(paid, friend.id)).id;
      expect((await standingOf(paid, friend.id)).subscriptionStatus).toBe("pass");

      const dispute = h.fake.simulate.dispute((await chargeOf(bought.buyerId)).id);
      await deliverAll();
      expect((await standingOf(paid, friend.id)).subscriptionStatus).toBe("suspended");
      expect(await roleSyncFor(paid, friendId)).toBe("gift dispute needs_response");

      h.fake.simulate.closeDispute(dispute.id, outcome);
      await deliverAll();
      expect((await standingOf(paid, friend.id)).subscriptionStatus).toBe(outcome === "won" ? "pass" : "none");
      expect(await roleSyncFor(paid, friendId)).toBe(`gift dispute ${outcome}`);
    }
  });

  it("a full tier sells no gift and takes no claim; yearly tiers are given in years; lengths not offered are refused", async () => {
    const paid = await paidCommunity(h, { maxMembers: "1" });
    await giftsOn(paid);
    const gift = await buyGift(paid, "gift_cap_buyer", { months: 1 });
    await payCheckout(h, paid, "gift_cap_taker");
    await deliverAll();
    await expect(claim(paid, gift.gift.code, await person("gift_cap_friend"))).rejects.toThrow(GIFT_ERRORS.soldOut);
    const actor = await person("gift_cap_late");
    const ctx = { actor, community: paid.community, inScope: paid.inScope, origin: "http://x" };
    await expect(startGiftCheckout({ tierId: paid.tierId, months: 1, message: null, currency: null }, ctx, h.client)).rejects.toThrow(CHECKOUT_ERRORS.soldOut);

    const { tierId: yearly } = await createTier(
      tierInputSchema.parse(tierForm({ name: "Annual", price: "100.00", interval: "yearly" })),
      paid.community,
      paid.inScope,
      h.client,
    );
    await expect(startGiftCheckout({ tierId: yearly, months: 3, message: null, currency: null }, ctx, h.client)).rejects.toThrow(GIFT_CHECKOUT_ERRORS.length);
    const annual = await buyGift(paid, "gift_annual", { months: 24, tierId: yearly });
    expect(annual.session.amount_total).toBe(20000);
    expect((annual.session.line_items as { data: { quantity: number }[] }).data[0]!.quantity).toBe(2);
    expect(annual.gift).toMatchObject({ tierName: "Annual", length: { months: 24 }, amount: "200.00" });
  });

  it("of a pass tier give the pass: its days as they were when bought, or for life, at its price or at what the buyer names", async () => {
    const paid = await paidCommunity(h);
    await giftsOn(paid);
    const pass = async (fields: Record<string, string>) =>
      (
        await createTier(
          tierInputSchema.parse(tierForm({ price: "9.00", interval: "once", discordRoleId: "123456789012345679", ...fields })),
          paid.community,
          paid.inScope,
          h.client,
        )
      ).tierId;
    const monthPass = await pass({ name: "Month pass", accessDays: "30" });
    const founder = await pass({ name: "Founder pass", price: "50.00" });
    const chosen = await pass({ name: "Supporter pass", price: "5.00", payWhatYouWant: "on" });

    const { session, gift, buyerId } = await buyGift(paid, "gift_pass_buyer", { tierId: monthPass });
    const line = (session.line_items as { data: { price: { unit_amount: number; product_data?: { name: string } }; quantity: number }[] }).data[0]!;
    expect({ quantity: line.quantity, unit: line.price.unit_amount, total: session.amount_total }).toEqual({ quantity: 1, unit: 900, total: 900 });
    expect(session.metadata).toMatchObject({ kind: "gift", gift_pass_days: "30" });
    expect(session.metadata).not.toHaveProperty("gift_months");
    expect(gift).toMatchObject({ tierName: "Month pass", length: { passDays: 30 }, amount: "9.00", state: "waiting" });
    const payment = await paid.inScope((tx) => tx.payment.findFirstOrThrow({ where: { memberId: buyerId }, select: { description: true } }));
    expect(payment.description).toBe("Month pass (gift, 30 days)");

    // The owner lengthens the pass before the gift is claimed: the gift keeps the 30 days it was bought with.
    await paid.inScope((tx) =>
      tx.subscriptionTier.update({ where: { communityId_id: { communityId: paid.community.id, id: monthPass } }, data: { accessDays: 90 } }),
    );
    const friend = await person("gift_pass_friend");
    const now = new Date();
    expect(await claim(paid, gift.code, friend, now)).toEqual({ tierName: "Month pass", until: addDays(now, 30) });
    expect(await standingOf(paid, friend.id)).toMatchObject({
      subscriptionStatus: "pass",
      subscriptionTier: "Month pass",
      subscriptionExpiresAt: addDays(now, 30),
    });

    const lifetime = await buyGift(paid, "gift_founder_buyer", { tierId: founder, months: 3 });
    expect(lifetime.session.metadata).toMatchObject({ gift_pass_days: "lifetime" });
    expect(lifetime.gift).toMatchObject({ tierName: "Founder pass", length: { passDays: null }, amount: "50.00" });
    const fan = await person("gift_founder_friend");
    expect(await claim(paid, lifetime.gift.code, fan)).toEqual({ tierName: "Founder pass", until: null });
    expect(await paid.inScope((tx) => giftForCode(tx, lifetime.gift.code))).toMatchObject({
      length: { passDays: null },
      until: null,
      claimedAt: expect.any(Date),
    });
    expect(await standingOf(paid, fan.id)).toMatchObject({ subscriptionStatus: "pass", subscriptionTier: "Founder pass", subscriptionExpiresAt: null });
    // A second lifetime gift of the same tier would give nothing more.
    const again = await buyGift(paid, "gift_founder_again", { tierId: founder });
    await expect(claim(paid, again.gift.code, fan)).rejects.toThrow(GIFT_ERRORS.lifetime);

    // A pass whose buyer names the price: its own Stripe Price, whose Checkout asks the gift's buyer for the amount.
    const generous = await buyGift(paid, "gift_chosen_buyer", { tierId: chosen, amount: "20.00" });
    const chosenPrice = (await paid.inScope((tx) => tx.subscriptionTier.findUniqueOrThrow({ where: rowKey(chosen), select: { stripePriceId: true } })))
      .stripePriceId;
    expect((generous.session.line_items as { data: { price: { id: string }; quantity: number }[] }).data[0]).toMatchObject({
      price: { id: chosenPrice },
      quantity: 1,
    });
    expect(generous.gift).toMatchObject({ tierName: "Supporter pass", length: { passDays: null }, amount: "20.00" });
  });

  it("are in their buyer's and recipient's own data exports, no one else's; erasing the buyer removes their message, not the gift", async () => {
    const paid = await paidCommunity(h);
    await giftsOn(paid);
    const { actor, buyerId, gift } = await buyGift(paid, "gift_gdpr_buyer", { months: 1, message: "For you, Sam" });
    const friend = await person("gift_gdpr_friend");
    await claim(paid, gift.code, friend);
    const stranger = await person("gift_gdpr_stranger");
    await paid.inScope((tx) => tx.communityMember.create({ data: { communityId: paid.community.id, userId: stranger.id, discordUserId: stranger.discordId } }));

    const gifts = async (userId: string) => (await exportUserData(userId)).memberships.map((m) => ({ bought: m.giftsBought, claimed: m.giftsClaimed }));
    expect(await gifts(actor.id)).toEqual([{ bought: [expect.objectContaining({ months: 1, message: "For you, Sam" })], claimed: [] }]);
    expect(await gifts(friend.id)).toEqual([{ bought: [], claimed: [expect.objectContaining({ months: 1 })] }]);
    expect(await gifts(stranger.id)).toEqual([{ bought: [], claimed: [] }]);

    await paid.inScope((tx) => endMembership(tx, paid.community.id, buyerId, { erase: true, now: new Date() }));
    expect(await paid.inScope((tx) => giftForCode(tx, gift.code))).toMatchObject({ message: null, from: null, claimedAt: expect.any(Date) });
  });

  it("charge the tier's price in the currency picked, in that currency's own units, for a length the tier offers", () => {
    const tier = {
      interval: "monthly",
      accessDays: null,
      payWhatYouWant: false,
      price: "10.00",
      currency: "USD",
      currencyPrices: { JPY: "1500", KWD: "3.25" },
    };
    expect(giftCharge(tier, "USD", { months: 3 })).toEqual({ unitMinor: 1000, quantity: 3, totalMinor: 3000 });
    expect(giftCharge(tier, "JPY", { months: 6 })).toEqual({ unitMinor: 1500, quantity: 6, totalMinor: 9000 });
    expect(giftCharge(tier, "KWD", { months: 12 })).toEqual({ unitMinor: 3250, quantity: 12, totalMinor: 39000 });
    expect(giftCharge(tier, "EUR", { months: 3 })).toBeNull();
    expect(pickGiftLength(tier, 2)).toBeNull();
    expect(pickGiftLength(tier, undefined)).toBeNull();
    expect(pickGiftLength({ ...tier, interval: "yearly" }, 24)).toEqual({ months: 24 });
    // A pass tier has one length, its pass, whatever months say; once, at its price.
    const pass = { ...tier, interval: "once", accessDays: 30 };
    expect(pickGiftLength(pass, undefined)).toEqual({ passDays: 30 });
    expect(pickGiftLength(pass, 3)).toEqual({ passDays: 30 });
    expect(giftCharge(pass, "JPY", { passDays: 30 })).toEqual({ unitMinor: 1500, quantity: 1, totalMinor: 1500 });
    expect(giftLengths({ ...pass, accessDays: null })).toEqual([{ passDays: null }]);
    // The length travels in the Checkout Session's metadata and is read back from the webhook's copy: exactly one, in range.
    for (const length of [{ months: 3 }, { passDays: 30 }, { passDays: null }]) expect(giftLengthFromMetadata(giftLengthMetadata(length))).toEqual(length);
    for (const metadata of [{}, { gift_months: "3", gift_pass_days: "30" }, { gift_months: "25" }, { gift_pass_days: "forever" }, { gift_pass_days: "0" }])
      expect(giftLengthFromMetadata(metadata)).toBeNull();
    expect([{ months: 1 }, { months: 24 }, { passDays: 1 }, { passDays: 30 }, { passDays: null }].map((l) => describeGift(l, "Gold"))).toEqual([
      "1 month of Gold",
      "2 years of Gold",
      "1 day of Gold",
      "30 days of Gold",
      "Lifetime access to Gold",
    ]);
  });
});
