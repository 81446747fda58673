// Stripe delivers at least once and in no particular order. For each family
// of events (a subscription's life with its invoices, refunds, disputes, the
// connected account), the same life is lived twice at the Stripe fake: once
// delivered in order as it happens, once delivered late in a seeded random
// order, with repeats, several at once, and Stripe-style retries of anything
// not answered 2xx. Both must end in the same state.
import { describe, expect, it } from "vitest";
import { BILLING_EVENTS } from "../lib/analytics/record";
import { paidCommunity, payCheckout, stripeHarnessForFile, type Delivery, type PaidCommunity } from "./support/stripe-webhooks";

const h = stripeHarnessForFile();

/** A small seeded PRNG (mulberry32): a failing order can be replayed from its seed. */
function rng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

async function inOrder(events: Delivery[]) {
  for (const e of events) expect((await h.deliver(e)).status, e.type).toBe(200);
}

/**
 * Every event one to three times, shuffled, delivered in concurrent batches of
 * one to four. An event whose job fails (one that needs another's effects
 * first) stays queued; the worker's retries run now and then between batches,
 * as graphile-worker's would, and at the end until every job is done.
 */
async function chaotically(events: Delivery[], seed: number) {
  const random = rng(seed);
  const pending = events
    .flatMap((e) => Array.from({ length: 1 + Math.floor(random() * 3) }, () => e))
    .map((e) => [random(), e] as const)
    .sort((a, b) => a[0] - b[0])
    .map(([, e]) => e);
  while (pending.length > 0) {
    const batch = pending.splice(0, 1 + Math.floor(random() * 4));
    const answers = await Promise.all(batch.map((e) => h.deliver(e).catch(() => ({ status: 200 }))));
    answers.forEach((a, i) => expect(a.status, batch[i]!.type).toBe(200));
    if (random() < 0.3) await h.retryQueued();
  }
  for (let round = 0; ; round++) {
    const failed = (await h.retryQueued()).filter((r) => r.error);
    if (failed.length === 0) return;
    if (round > 20) throw new Error(`seed ${seed}: jobs still failing after 20 retries: ${failed.map((r) => String(r.error)).join("; ")}`);
  }
}

/** What the webhooks decide, in a form two communities can be compared by. */
async function outcome(paid: PaidCommunity) {
  return paid.inScope(async (tx) => ({
    community: await tx.community.findUniqueOrThrow({ where: { id: paid.community.id }, select: { stripeChargesEnabled: true } }),
    subscriptions: (
      await tx.subscription.findMany({ select: { status: true, tierName: true, cancelAtPeriodEnd: true, canceledAt: true, duplicateOf: true } })
    ).map((s) => ({
      ...s,
      canceledAt: !!s.canceledAt,
      duplicateOf: !!s.duplicateOf,
    })),
    members: (
      await tx.communityMember.findMany({
        where: { stripeCustomerId: { not: null } },
        select: { subscriptionStatus: true, subscriptionTier: true, totalSpent: true },
      })
    ).map((m) => ({
      ...m,
      totalSpent: m.totalSpent.toFixed(2),
    })),
    payments: (await tx.payment.findMany({ select: { status: true, amount: true, amountRefunded: true } }))
      .map((p) => ({ status: p.status, amount: p.amount.toFixed(2), refunded: p.amountRefunded.toFixed(2) }))
      .sort((a, b) => `${a.status}${a.amount}`.localeCompare(`${b.status}${b.amount}`)),
    alerts: (await tx.communityAlert.findMany({ select: { kind: true, resolvedAt: true } })).map((a) => ({ kind: a.kind, resolved: !!a.resolvedAt })),
    analytics: (await tx.analyticsEvent.findMany({ where: { eventName: { in: [...BILLING_EVENTS] } }, select: { eventName: true } }))
      .map((e) => e.eventName)
      .sort(),
  }));
}

type Life = (paid: PaidCommunity, after: (events: Delivery[]) => Promise<void>) => Promise<void>;

/** Lives the same life twice: delivered in order as it happens, and late in chaos. */
async function compare(life: Life, seed: number) {
  const ordered = await paidCommunity(h);
  await life(ordered, inOrder);
  const chaotic = await paidCommunity(h);
  const all: Delivery[] = [];
  await life(chaotic, async (events) => void all.push(...events));
  await chaotically(all, seed);
  const [a, b] = [await outcome(ordered), await outcome(chaotic)];
  expect(b, `seed ${seed}`).toEqual(a);
  return a;
}

const chargeOf = (events: Delivery[]) => {
  const invoice = events.find((e) => e.type === "invoice.paid")!;
  return String(JSON.parse(invoice.raw).data.object.payments.data[0].payment.charge);
};

const SEEDS = [1, 2, 3, 5, 8, 13];

describe("any delivery order ends where in-order delivery does", () => {
  it.each(SEEDS)("a subscription's life with its invoices (seed %i)", async (seed) => {
    const final = await compare(async (paid, after) => {
      const { subscriptionId } = await payCheckout(h, paid, `life_${seed}`);
      await after(await h.take());
      h.fake.simulate.renewal(subscriptionId, "paid");
      await after(await h.take());
      h.fake.simulate.renewal(subscriptionId, "failed");
      await after(await h.take());
      h.fake.simulate.renewal(subscriptionId, "paid");
      await after(await h.take());
      await h.client.subscriptions.update(subscriptionId, { cancel_at_period_end: true }, { stripeAccount: paid.account });
      await after(await h.take());
      await h.client.subscriptions.cancel(subscriptionId, {}, { stripeAccount: paid.account });
      await after(await h.take());
    }, seed);
    expect(final.subscriptions).toEqual([expect.objectContaining({ status: "canceled" })]);
    expect(final.members).toEqual([{ subscriptionStatus: "canceled", subscriptionTier: "Gold", totalSpent: "30.00" }]);
  });

  it.each(SEEDS)("refunds, partial and full, with a dispute that is won or lost (seed %i)", async (seed) => {
    const outcomeOfDispute = seed % 2 === 0 ? "won" : "lost";
    const final = await compare(async (paid, after) => {
      await payCheckout(h, paid, `refund_${seed}`);
      const purchase = await h.take();
      await after(purchase);
      const charge = chargeOf(purchase);
      h.fake.simulate.refund(charge, 300);
      await after(await h.take());
      h.fake.simulate.refund(charge, 200);
      await after(await h.take());
      const dispute = h.fake.simulate.dispute(charge);
      await after(await h.take());
      h.fake.simulate.closeDispute(dispute.id, outcomeOfDispute);
      await after(await h.take());
    }, seed);
    expect(final.payments).toEqual([{ status: outcomeOfDispute === "won" ? "partially_refunded" : "dispute_lost", amount: "10.00", refunded: "5.00" }]);
    expect(final.alerts).toEqual([{ kind: "dispute_opened", resolved: true }]);
    expect(final.analytics.filter((n) => n === "payment_refunded")).toHaveLength(2);
    expect(final.members[0]!.totalSpent).toBe(outcomeOfDispute === "won" ? "5.00" : "0.00");
  });

  it.each(SEEDS)("a dispute closed before it was opened, as Stripe may deliver it (seed %i)", async (seed) => {
    const final = await compare(async (paid, after) => {
      await payCheckout(h, paid, `closed_first_${seed}`);
      const purchase = await h.take();
      await after(purchase);
      const dispute = h.fake.simulate.dispute(chargeOf(purchase));
      const created = await h.take();
      h.fake.simulate.closeDispute(dispute.id, "won");
      const closed = await h.take();
      // Closed first, then created: the member must not stay suspended.
      await after([...closed, ...created]);
    }, seed);
    expect(final.payments).toEqual([{ status: "succeeded", amount: "10.00", refunded: "0.00" }]);
    expect(final.members).toEqual([{ subscriptionStatus: "active", subscriptionTier: "Gold", totalSpent: "10.00" }]);
  });

  it.each(SEEDS)("the connected account losing and regaining charges (seed %i)", async (seed) => {
    const final = await compare(async (paid, after) => {
      for (const enabled of [false, true, false, true, false]) {
        h.fake.simulate.setAccount(paid.account, { charges_enabled: enabled });
        await after(await h.take());
      }
    }, seed);
    expect(final.community.stripeChargesEnabled).toBe(false);
  });
});

describe("account events", () => {
  it("an account.updated whose object names another account is recorded as rejected, not retried forever", async () => {
    const paid = await paidCommunity(h);
    const other = await paidCommunity(h);
    h.fake.simulate.setAccount(other.account, { charges_enabled: false });
    const [event] = await h.take();
    const forged = JSON.parse(event!.raw);
    forged.account = paid.account;
    const { sign } = await import("./support/stripe-webhooks");
    const raw = JSON.stringify(forged);
    const answer = await h.deliver({ raw, signature: sign(raw), type: forged.type, id: forged.id });
    expect(answer).toMatchObject({ status: 200, body: { outcome: "queued" }, applied: "rejected" });
    const [row] = await paid.inScope((tx) => tx.stripeEvent.findMany({ select: { outcome: true, error: true } }));
    expect(row).toMatchObject({ outcome: "rejected", error: expect.stringContaining("another account") });
    expect((await outcome(paid)).community.stripeChargesEnabled).toBe(true);
  });
});
