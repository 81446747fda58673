// POST /api/webhooks/stripe's state machine against a real PostgreSQL and the
// Stripe fake: signatures, exactly-once effects, order-independence, refunds,
// disputes, faults and tenant isolation. Events are signed as Stripe signs them.
import { beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { inject } from "vitest";
import { BILLING_EVENTS } from "../lib/analytics/record";
import { createDatabase } from "../lib/db/client";
import { scopesFor } from "../lib/db/scopes";
import { RetryLater } from "../lib/billing/errors";
import { ALERT_AFTER_ATTEMPTS, applyQueuedStripeEvent, runStripeEventJob } from "../lib/billing/webhooks/apply";
import { asOwner, asOwnerInScope, ownerIsSuperuser, queuedJobs as queuedJobPayloads } from "./support/fixtures";
import { behindMemberLock } from "./support/locks";
import {
  chargeOfIntent,
  payCheckout,
  paidCommunity,
  sign,
  signedEvent,
  stripeHarnessForFile,
  type Delivery,
  type PaidCommunity,
} from "./support/stripe-webhooks";

const h = stripeHarnessForFile();
const ownerIsSuper = await ownerIsSuperuser();

/** The kinds of the jobs waiting in the queue for a community (a coalesced key counts once). */
async function queuedJobs(communityId: string): Promise<string[]> {
  return asOwner(async (client) => {
    const { rows } = await client.query<{ kind: string }>(
      `SELECT t.identifier AS kind FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
        WHERE j.payload->>'communityId' = $1`,
      [communityId],
    );
    return rows.map((r) => r.kind).sort();
  });
}

/** Everything the webhook may have written for a community, in comparable form. */
async function snapshot(paid: PaidCommunity) {
  return paid
    .inScope(async (tx) => ({
      ledger: await tx.stripeEvent.count({ where: { outcome: { not: "queued" } } }),
      queued: await tx.stripeEvent.count({ where: { outcome: "queued" } }),
      subscriptions: await tx.subscription.findMany({
        select: {
          status: true,
          tierName: true,
          tierId: true,
          cancelAtPeriodEnd: true,
          currentPeriodEnd: true,
          canceledAt: true,
          gracePeriodEndsAt: true,
          stripeSubscriptionId: true,
        },
      }),
      members: await tx.communityMember.findMany({
        where: { stripeCustomerId: { not: null } },
        select: { subscriptionStatus: true, subscriptionTier: true, totalSpent: true, subscriptionExpiresAt: true },
      }),
      payments: await tx.payment.findMany({ select: { amount: true, status: true, stripeInvoiceId: true, amountRefunded: true }, orderBy: { amount: "asc" } }),
      analytics: (await tx.analyticsEvent.findMany({ where: { eventName: { in: [...BILLING_EVENTS] } }, select: { eventName: true } }))
        .map((e) => e.eventName)
        .sort(),
    }))
    .then(async (state) => ({ ...state, jobs: await queuedJobs(paid.community.id) }));
}

async function deliverAll(deliveries: Delivery[]) {
  const answers = [];
  for (const d of deliveries) answers.push(await h.deliver(d));
  return answers;
}

describe("verifying the signature", () => {
  let paid: PaidCommunity;
  let event: Delivery;
  beforeAll(async () => {
    paid = await paidCommunity(h);
    await payCheckout(h, paid);
    event = (await h.take()).find((d) => d.type === "invoice.paid")!;
  });

  const cases: [string, () => { raw: string; signature: string | null }][] = [
    ["a missing header", () => ({ raw: event.raw, signature: null })],
    ["another endpoint's secret", () => ({ raw: event.raw, signature: sign(event.raw, { secret: "whsec_some_other_endpoint" }) })],
    ["a modified body", () => ({ raw: event.raw.replace('"amount_paid":1000', '"amount_paid":1'), signature: event.signature })],
    ["a re-serialised body", () => ({ raw: JSON.stringify(JSON.parse(event.raw), null, 2), signature: event.signature })],
    ["a stale timestamp (over 300 s)", () => ({ raw: event.raw, signature: sign(event.raw, { timestamp: Math.floor(Date.now() / 1000) - 301 }) })],
    ["a garbled header", () => ({ raw: event.raw, signature: "t=abc,v1=zz" })],
  ];
  it.each(cases)("refuses %s with 400 and writes nothing", async (_name, make) => {
    const { raw, signature } = make();
    const { receiveStripeWebhook } = await import("../lib/billing/webhooks/receive");
    const result = await receiveStripeWebhook(raw, signature, h.deps);
    expect(result.status).toBe(400);
    expect(result.body.received).toBe(false);
    expect(await snapshot(paid)).toMatchObject({ ledger: 0, subscriptions: [], payments: [], analytics: [] });
  });

  it("accepts the untouched event", async () => {
    expect((await h.deliver(event)).status).toBe(200);
    expect((await snapshot(paid)).ledger).toBe(1);
  });
});

describe("a paid checkout", () => {
  it("makes the subscription and member active, records the payment once, and enqueues the role sync", async () => {
    const paid = await paidCommunity(h);
    const { subscriptionId } = await payCheckout(h, paid);
    const events = await h.take();
    expect(events.map((e) => e.type).sort()).toEqual(["checkout.session.completed", "customer.subscription.created", "invoice.paid"]);
    const answers = await deliverAll(events);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);

    const state = await snapshot(paid);
    expect(state.subscriptions).toEqual([
      expect.objectContaining({ status: "active", tierName: "Gold", tierId: paid.tierId, stripeSubscriptionId: subscriptionId, cancelAtPeriodEnd: false }),
    ]);
    expect(state.members).toEqual([expect.objectContaining({ subscriptionStatus: "active", subscriptionTier: "Gold" })]);
    expect(state.members[0]!.totalSpent.toFixed(2)).toBe("10.00");
    expect(state.payments).toEqual([expect.objectContaining({ status: "succeeded" })]);
    expect(state.payments[0]!.amount.toFixed(2)).toBe("10.00");
    // The invoice line's wording, as Stripe's, is what the owner's payments list shows.
    const descriptions = await paid.inScope((tx) => tx.payment.findMany({ select: { description: true } }));
    expect(descriptions).toEqual([{ description: "1 × Gold (at $10.00 / month)" }]);
    expect(state.analytics).toEqual(["payment_succeeded", "subscription_started"]);
    expect(state.jobs).toEqual(["discord:role_sync", "mail:receipt", "notify:new_paid_member"]);
    const ledger = await paid.inScope((tx) =>
      tx.stripeEvent.findMany({ select: { type: true, outcome: true, stripeAccountId: true, processedAt: true, receivedAt: true } }),
    );
    expect(ledger).toHaveLength(3);
    for (const row of ledger) expect(row).toMatchObject({ outcome: "processed", stripeAccountId: paid.account });
  });
});

describe("receipts", () => {
  it("where the owner lets Stripe send receipts, a payment queues no receipt job", async () => {
    const paid = await paidCommunity(h);
    await asOwner((c) => c.query(`UPDATE communities SET settings = settings || '{"receipts": "stripe"}'::jsonb WHERE id = $1`, [paid.community.id]));
    await payCheckout(h, paid);
    expect((await deliverAll(await h.take())).map((a) => a.status)).toEqual([200, 200, 200]);
    const state = await snapshot(paid);
    expect(state.payments).toEqual([expect.objectContaining({ status: "succeeded" })]);
    expect(state.jobs).toEqual(["discord:role_sync", "notify:new_paid_member"]);
  });
});

describe("lock order", () => {
  async function paidPayment() {
    const paid = await paidCommunity(h);
    await payCheckout(h, paid);
    await deliverAll(await h.take());
    const payment = await paid.inScope((tx) => tx.payment.findFirstOrThrow({ select: { id: true, memberId: true, stripePaymentIntentId: true } }));
    return { paid, payment };
  }
  async function paymentRowIsFree(paid: PaidCommunity, paymentId: string) {
    const free = await asOwnerInScope(paid.community.id, "SELECT status FROM payments WHERE id = $1 FOR UPDATE NOWAIT", [paymentId]);
    expect(free).toEqual([{ status: "succeeded" }]);
  }

  it("a refund takes the member's lock before the payment's row, as a payment's event does, so the two cannot deadlock", async () => {
    const { paid, payment } = await paidPayment();
    await h.client.refunds.create({ payment_intent: payment.stripePaymentIntentId! }, { stripeAccount: paid.account });
    const refunded = (await h.take()).find((d) => d.type === "charge.refunded")!;

    // The refund waits for the member's lock before it writes the payment, whose row stays free meanwhile.
    const answer = await behindMemberLock(
      payment.memberId,
      () => h.deliver(refunded),
      () => paymentRowIsFree(paid, payment.id),
    );
    expect(answer.status).toBe(200);
    expect((await snapshot(paid)).payments).toEqual([expect.objectContaining({ status: "refunded" })]);
  });

  it("so does a dispute", async () => {
    const { paid, payment } = await paidPayment();
    const charge = chargeOfIntent(h, payment.stripePaymentIntentId!);
    h.fake.simulate.dispute(charge.id);
    const [opened] = await h.take();
    expect(opened!.type).toBe("charge.dispute.created");

    const answer = await behindMemberLock(
      payment.memberId,
      () => h.deliver(opened!),
      () => paymentRowIsFree(paid, payment.id),
    );
    expect(answer.status).toBe(200);
    expect((await snapshot(paid)).payments).toEqual([expect.objectContaining({ status: "disputed" })]);
  });
});

describe("answered once stored, applied by the worker", () => {
  it("the endpoint stores each event with its job and applies nothing; the jobs apply them as in-order delivery does", async () => {
    const paid = await paidCommunity(h);
    await payCheckout(h, paid);
    const events = await h.take();
    for (const e of events) expect(await h.receive(e)).toEqual({ status: 200, body: { received: true, outcome: "queued" } });
    // A copy that arrives before the job ran is stored already: no second job.
    expect(await h.receive(events[0]!)).toEqual({ status: 200, body: { received: true, outcome: "duplicate" } });
    const stored = await snapshot(paid);
    expect(stored).toMatchObject({ ledger: 0, queued: events.length, subscriptions: [], payments: [], analytics: [] });
    expect(stored.jobs).toEqual(events.map(() => "stripe:apply"));

    expect((await h.retryQueued()).map((r) => r.applied)).toEqual(events.map(() => "processed"));
    const state = await snapshot(paid);
    expect(state).toMatchObject({ ledger: events.length, queued: 0, payments: [expect.objectContaining({ status: "succeeded" })] });
    expect(state.jobs).not.toContain("stripe:apply");
    expect(state.analytics).toEqual(["payment_succeeded", "subscription_started"]);
  });

  it("a job run twice at once (a worker presumed dead, and another that took its job) applies its event once", async () => {
    const paid = await paidCommunity(h);
    await payCheckout(h, paid);
    const events = await h.take();
    for (const e of events) await h.receive(e);
    const jobs = (await queuedJobPayloads(paid.community.id)).filter((j) => j.kind === "stripe:apply");
    expect(jobs).toHaveLength(events.length);
    for (const { payload } of jobs) {
      const twice = await Promise.all([applyQueuedStripeEvent(payload, h.deps), applyQueuedStripeEvent(payload, h.deps)]);
      expect(twice.sort()).toEqual(["duplicate", "processed"]);
    }
    // The jobs themselves, when the worker gets to them, find their events applied.
    expect((await h.retryQueued()).map((r) => r.applied)).toEqual(events.map(() => "duplicate"));
    const state = await snapshot(paid);
    expect(state).toMatchObject({ ledger: events.length, queued: 0, payments: [expect.objectContaining({ status: "succeeded" })] });
    expect(state.analytics).toEqual(["payment_succeeded", "subscription_started"]);
    expect(state.members[0]!.totalSpent.toFixed(2)).toBe("10.00");
  });

  it("an event whose job keeps failing is shown to the owner from its 5th attempt, once, and the alert resolves when it applies", async () => {
    const paid = await paidCommunity(h);
    await payCheckout(h, paid);
    const purchase = await h.take();
    const invoice = purchase.find((e) => e.type === "invoice.paid")!;
    h.fake.simulate.refund(JSON.parse(invoice.raw).data.object.payments.data[0].payment.charge as string);
    const [refund] = await h.take();
    // The refund first: its job is refused until the payment is applied.
    expect((await h.receive(refund!)).body.outcome).toBe("queued");
    const [job] = (await queuedJobPayloads(paid.community.id)).filter((j) => j.kind === "stripe:apply");
    const alerts = () =>
      paid.inScope((tx) => tx.communityAlert.findMany({ select: { kind: true, severity: true, title: true, detail: true, resolvedAt: true } }));
    await expect(runStripeEventJob(job!.payload, ALERT_AFTER_ATTEMPTS - 1, h.deps)).rejects.toThrow(RetryLater);
    expect(await alerts()).toEqual([]);
    await expect(runStripeEventJob(job!.payload, ALERT_AFTER_ATTEMPTS, h.deps)).rejects.toThrow(RetryLater);
    await expect(runStripeEventJob(job!.payload, ALERT_AFTER_ATTEMPTS + 1, h.deps)).rejects.toThrow(RetryLater);
    expect(await alerts()).toEqual([
      {
        kind: "stripe_event_stuck",
        severity: "critical",
        title: "A Stripe event could not be applied yet",
        detail: expect.stringMatching(
          new RegExp(`^Stripe's charge.refunded \\(${refund!.id}\\) failed ${ALERT_AFTER_ATTEMPTS} times: no payment recorded yet`),
        ),
        resolvedAt: null,
      },
    ]);

    await deliverAll(purchase);
    expect(await runStripeEventJob(job!.payload, ALERT_AFTER_ATTEMPTS + 2, h.deps)).toBe("processed");
    expect((await alerts())[0]!.resolvedAt).not.toBeNull();
    expect((await snapshot(paid)).payments[0]).toMatchObject({ status: "refunded" });
    // The job itself, when the worker gets to it, finds its event applied.
    expect(await h.retryQueued()).toEqual([{ eventId: refund!.id, applied: "duplicate" }]);
  });

  it("a job whose payload is not an event we stored is refused, and writes nothing", async () => {
    const paid = await paidCommunity(h);
    const before = await snapshot(paid);
    await expect(applyQueuedStripeEvent({ communityId: paid.community.id, eventId: "evt_x" }, h.deps)).rejects.toThrow();
    await expect(applyQueuedStripeEvent({ communityId: paid.community.id, eventId: "evt_x", event: "{}" }, h.deps)).rejects.toThrow();
    expect(await snapshot(paid)).toEqual(before);
  });
});

describe("exactly once", () => {
  it("the same event twice has one effect; the second is answered 200 as a duplicate", async () => {
    const paid = await paidCommunity(h);
    await payCheckout(h, paid);
    const events = await h.take();
    await deliverAll(events);
    const before = await snapshot(paid);
    const again = await deliverAll(events);
    expect(again.map((a) => [a.status, a.body.outcome])).toEqual(events.map(() => [200, "duplicate"]));
    expect(await snapshot(paid)).toEqual(before);
  });

  it("ten concurrent copies of an event have one effect", async () => {
    const paid = await paidCommunity(h);
    await payCheckout(h, paid);
    const invoicePaid = (await h.take()).find((e) => e.type === "invoice.paid")!;
    const answers = await Promise.all(Array.from({ length: 10 }, () => h.deliver(invoicePaid)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    // One copy is stored and its job applied; the others find it stored.
    expect(answers.map((a) => a.body.outcome).sort()).toEqual([...Array(9).fill("duplicate"), "queued"]);
    expect(answers.filter((a) => a.applied === "processed")).toHaveLength(1);
    const state = await snapshot(paid);
    expect(state).toMatchObject({ ledger: 1, payments: [expect.objectContaining({ status: "succeeded" })] });
    expect(state.subscriptions).toHaveLength(1);
    expect(state.analytics).toEqual(["payment_succeeded", "subscription_started"]);
    expect(state.members[0]!.totalSpent.toFixed(2)).toBe("10.00");
  });
});

describe("order", () => {
  /** created, updated, invoice.paid, payment_failed, updated, deleted: one subscription's whole life at the fake. */
  async function live(paid: PaidCommunity, onEvents: (events: Delivery[]) => Promise<void>) {
    const { subscriptionId } = await payCheckout(h, paid);
    await onEvents(await h.take());
    h.fake.simulate.renewal(subscriptionId, "paid");
    await onEvents(await h.take());
    h.fake.simulate.renewal(subscriptionId, "failed");
    await onEvents(await h.take());
    await h.client.subscriptions.cancel(subscriptionId, {}, { stripeAccount: paid.account });
    await onEvents(await h.take());
  }

  it("a shuffled, repeated delivery of a subscription's life ends in the same state as delivery in order", async () => {
    const inOrder = await paidCommunity(h);
    await live(inOrder, async (events) => void (await deliverAll(events)));

    const shuffled = await paidCommunity(h);
    const all: Delivery[] = [];
    await live(shuffled, async (events) => void all.push(...events));
    expect(all.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        "customer.subscription.created",
        "customer.subscription.updated",
        "invoice.paid",
        "invoice.payment_failed",
        "customer.subscription.deleted",
      ]),
    );
    // Reversed (deleted first, created last), then a seeded shuffle of everything again.
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const replay = [...all].reverse().concat([...all].sort(() => random() - 0.5));
    const answers = await deliverAll(replay);
    expect(answers.every((a) => a.status === 200)).toBe(true);

    const [a, b] = [await snapshot(inOrder), await snapshot(shuffled)];
    const comparable = (s: typeof a) => ({
      ...s,
      subscriptions: s.subscriptions.map(({ stripeSubscriptionId: _id, tierId: _tier, currentPeriodEnd: _end, canceledAt, gracePeriodEndsAt, ...rest }) => ({
        ...rest,
        canceled: !!canceledAt,
        grace: !!gracePeriodEndsAt,
      })),
      members: s.members.map(({ subscriptionExpiresAt, ...rest }) => ({ ...rest, totalSpent: rest.totalSpent.toFixed(2), expires: !!subscriptionExpiresAt })),
      payments: s.payments
        .map(({ stripeInvoiceId: _id, ...rest }) => ({ ...rest, amount: rest.amount.toFixed(2), amountRefunded: rest.amountRefunded.toFixed(2) }))
        .sort((x, y) => x.status.localeCompare(y.status)),
      // A member first seen already canceled is not welcomed; role syncs coalesce by member.
      jobs: [...new Set(s.jobs.filter((k) => k !== "notify:new_paid_member"))],
    });
    expect(comparable(b)).toEqual(comparable(a));
    expect(a.subscriptions).toHaveLength(1);
    expect(a.subscriptions[0]).toMatchObject({ status: "canceled" });
    expect(a.members[0]).toMatchObject({ subscriptionStatus: "canceled", subscriptionTier: "Gold" });
    // Two paid invoices; the failed renewal is kept as a failed payment.
    expect(a.members[0]!.totalSpent.toFixed(2)).toBe("20.00");
    expect(a.payments.map((p) => p.status).sort()).toEqual(["failed", "succeeded", "succeeded"]);
    expect(a.analytics).toEqual([
      "payment_failed",
      "payment_succeeded",
      "payment_succeeded",
      "subscription_canceled",
      "subscription_renewed",
      "subscription_started",
    ]);
  });

  it("a failed renewal opens the community's grace period, then access ends", async () => {
    const paid = await paidCommunity(h);
    const { subscriptionId } = await payCheckout(h, paid);
    await deliverAll(await h.take());
    h.fake.simulate.renewal(subscriptionId, "failed");
    const failed = await h.take();
    const start = Date.now();
    await deliverAll(failed);
    const [member] = (await snapshot(paid)).members;
    expect(member!.subscriptionStatus).toBe("past_due");
    const grace = member!.subscriptionExpiresAt!.getTime() - start;
    expect(grace).toBeGreaterThan(3 * 86_400_000 - 60_000);
    expect(grace).toBeLessThan(3 * 86_400_000 + 60_000);
    expect((await snapshot(paid)).jobs).toContain("notify:payment_failed");

    // Four days on, the next event for this member finds the grace period over.
    const { refreshMember } = await import("../lib/billing/member-refresh");
    const memberId = await paid.inScope(async (tx) => (await tx.subscription.findFirstOrThrow({ select: { memberId: true } })).memberId);
    const later = await paid.inScope((tx) => refreshMember(tx, memberId, new Date(start + 4 * 86_400_000)));
    expect(later.after.status).toBe("unpaid");
    expect(later.changed).toBe(true);
  });
});

describe("refunds and disputes", () => {
  async function paidMember() {
    const paid = await paidCommunity(h);
    await payCheckout(h, paid);
    await deliverAll(await h.take());
    return { paid };
  }

  async function chargeOf(paid: PaidCommunity) {
    const intent = await paid.inScope(async (tx) => (await tx.payment.findFirstOrThrow({ select: { stripePaymentIntentId: true } })).stripePaymentIntentId!);
    return chargeOfIntent(h, intent);
  }

  it("a partial then a full refund update the payment and reduce total_spent", async () => {
    const { paid } = await paidMember();
    const charge = await chargeOf(paid);
    h.fake.simulate.refund(charge.id, 400);
    await deliverAll(await h.take());
    let state = await snapshot(paid);
    expect(state.payments[0]).toMatchObject({ status: "partially_refunded" });
    expect(state.payments[0]!.amountRefunded.toFixed(2)).toBe("4.00");
    expect(state.members[0]!.totalSpent.toFixed(2)).toBe("6.00");

    h.fake.simulate.refund(charge.id);
    await deliverAll(await h.take());
    state = await snapshot(paid);
    expect(state.payments[0]).toMatchObject({ status: "refunded" });
    expect(state.members[0]!.totalSpent.toFixed(2)).toBe("0.00");
    expect(state.analytics.filter((n) => n === "payment_refunded")).toHaveLength(2);
  });

  it("a dispute suspends access and alerts the owner; winning it restores access", async () => {
    const { paid } = await paidMember();
    const charge = await chargeOf(paid);
    const dispute = h.fake.simulate.dispute(charge.id);
    await deliverAll(await h.take());
    let state = await snapshot(paid);
    expect(state.payments[0]).toMatchObject({ status: "disputed" });
    expect(state.members[0]).toMatchObject({ subscriptionStatus: "suspended" });
    expect(state.jobs).toEqual(expect.arrayContaining(["notify:dispute_opened"]));
    expect(state.jobs.filter((k) => k === "discord:role_sync")).toHaveLength(1); // coalesced by its job key
    const alerts = await paid.inScope((tx) => tx.communityAlert.findMany({ select: { kind: true, severity: true, resolvedAt: true } }));
    expect(alerts).toEqual([{ kind: "dispute_opened", severity: "critical", resolvedAt: null }]);

    h.fake.simulate.closeDispute(dispute.id, "won");
    const [closed] = await h.take();
    expect(closed!.type).toBe("charge.dispute.closed");
    expect((await h.deliver(closed!)).status).toBe(200);
    state = await snapshot(paid);
    expect(state.payments[0]).toMatchObject({ status: "succeeded" });
    expect(state.members[0]).toMatchObject({ subscriptionStatus: "active" });
    const [alert] = await paid.inScope((tx) => tx.communityAlert.findMany({ select: { resolvedAt: true } }));
    expect(alert!.resolvedAt).not.toBeNull();
  });

  it("a refund that arrives before its payment is refused for a retry, then applied once the payment is there", async () => {
    const paid = await paidCommunity(h);
    await payCheckout(h, paid);
    const purchase = await h.take();
    const invoice = purchase.find((e) => e.type === "invoice.paid")!;
    const chargeId = JSON.parse(invoice.raw).data.object.payments.data[0].payment.charge as string;
    h.fake.simulate.refund(chargeId);
    const [refund] = await h.take();
    // Stored and answered; the worker's first attempt is refused, and the job stays queued.
    await expect(h.deliver(refund!)).rejects.toThrow(RetryLater);
    expect(await snapshot(paid)).toMatchObject({ ledger: 0, queued: 1 });
    await deliverAll(purchase);
    // Stripe's re-delivery finds it stored; the job's retry applies it.
    expect((await h.deliver(refund!)).body.outcome).toBe("duplicate");
    expect(await h.retryQueued()).toEqual([{ eventId: refund!.id, applied: "processed" }]);
    expect(await snapshot(paid)).toMatchObject({ ledger: 4, queued: 0, payments: [expect.objectContaining({ status: "refunded" })] });
  });
});

describe("faults", () => {
  it("with the database unreachable the answer is 5xx and nothing is recorded; the retry applies once", async () => {
    const paid = await paidCommunity(h);
    await payCheckout(h, paid);
    const events = await h.take();
    const down = createDatabase(inject("appUrl").replace(/:(\d+)\//, ":1/"), 1);
    try {
      const answers = await Promise.all(events.map((e) => h.deliver(e, { db: down, ...scopesFor(down) })));
      expect(answers.map((a) => a.status)).toEqual(events.map(() => 500));
    } finally {
      await down.$disconnect();
    }
    expect(await snapshot(paid)).toMatchObject({ ledger: 0, subscriptions: [], payments: [] });
    await deliverAll(events);
    await deliverAll(events);
    const state = await snapshot(paid);
    expect(state).toMatchObject({ ledger: 3, payments: [expect.objectContaining({ status: "succeeded" })] });
    expect(state.analytics).toEqual(["payment_succeeded", "subscription_started"]);
  });

  // Terminating another role's backend takes a superuser (or pg_signal_backend) owner.
  it.skipIf(!ownerIsSuper)(
    "a connection lost in the middle of applying an event rolls its effects back; the event stays queued and the job's retry applies it once",
    async () => {
      const paid = await paidCommunity(h);
      await payCheckout(h, paid);
      const events = await h.take();
      const invoicePaid = events.find((e) => e.type === "invoice.paid")!;
      const locker = new pg.Client({ connectionString: inject("ownerUrl") });
      await locker.connect();
      let failure: unknown;
      try {
        await locker.query("BEGIN; LOCK TABLE payments IN ACCESS EXCLUSIVE MODE");
        const pending = h.deliver(invoicePaid).then(
          () => null,
          (error: unknown) => error,
        );
        // Wait until the job's transaction (ledger claimed, subscription written) blocks on payments, then cut it.
        let pid: number | undefined;
        for (let i = 0; i < 100 && !pid; i++) {
          await new Promise((r) => setTimeout(r, 50));
          const { rows } = await locker.query<{ pid: number }>(
            "SELECT pid FROM pg_stat_activity WHERE application_name = 'communityos' AND wait_event_type = 'Lock' AND datname = current_database()",
          );
          pid = rows[0]?.pid;
        }
        expect(pid).toBeDefined();
        await locker.query("SELECT pg_terminate_backend($1)", [pid]);
        failure = await pending;
      } finally {
        await locker.query("ROLLBACK").catch(() => {});
        await locker.end();
      }
      expect(failure).toBeInstanceOf(Error);
      expect(await snapshot(paid)).toMatchObject({ ledger: 0, queued: 1, subscriptions: [], payments: [] });
      await deliverAll(events);
      expect(await h.retryQueued()).toEqual([{ eventId: invoicePaid.id, applied: "processed" }]);
      expect(await h.retryQueued()).toEqual([]);
      const state = await snapshot(paid);
      expect(state.ledger).toBe(3);
      expect(state.payments).toHaveLength(1);
      expect(state.analytics).toEqual(["payment_succeeded", "subscription_started"]);
    },
  );
});

describe("tenancy and odd events", () => {
  it("an event for community A never touches community B, even when its metadata names B", async () => {
    const a = await paidCommunity(h);
    const b = await paidCommunity(h);
    await payCheckout(h, b);
    await deliverAll(await h.take());
    const bBefore = await snapshot(b);

    const { subscriptionId } = await payCheckout(h, a);
    const aEvents = await h.take();
    await deliverAll(aEvents);
    const sub = h.fake.objects.get(subscriptionId)!;
    const forged = signedEvent(
      "customer.subscription.updated",
      { ...sub, id: `sub_forged_${Date.now()}`, metadata: { ...(sub.metadata as object), community_id: b.community.id } },
      a.account,
    );
    const result = await h.deliver(forged);
    expect(result).toMatchObject({ status: 200, body: { outcome: "queued" }, applied: "rejected" });
    expect(await snapshot(b)).toEqual(bBefore);
    const [row] = await a.inScope((tx) => tx.stripeEvent.findMany({ where: { id: forged.id }, select: { outcome: true, error: true } }));
    expect(row).toMatchObject({ outcome: "rejected", error: expect.stringContaining("names community") });
    expect((await snapshot(a)).subscriptions).toHaveLength(1);
  });

  it("an event type we do not handle is answered 200 and recorded as ignored; an unknown account changes nothing", async () => {
    const paid = await paidCommunity(h);
    const unhandled = signedEvent("customer.created", { id: "cus_x", object: "customer" }, paid.account);
    expect(await h.deliver(unhandled)).toMatchObject({ status: 200, body: { outcome: "ignored" } });
    const [row] = await paid.inScope((tx) => tx.stripeEvent.findMany({ select: { id: true, outcome: true, type: true } }));
    expect(row).toEqual({ id: unhandled.id, outcome: "ignored", type: "customer.created" });
    const stranger = signedEvent("invoice.paid", { id: "in_x", object: "invoice" }, "acct_nobodyknows");
    expect(await h.deliver(stranger)).toMatchObject({ status: 200, body: { outcome: "ignored" } });
  });

  it("an event whose object is not the shape Stripe sends is rejected with its reason, and nothing else is written", async () => {
    const paid = await paidCommunity(h);
    const bad = signedEvent("invoice.paid", { id: "in_bad", object: "invoice", amount_paid: "lots" }, paid.account);
    const result = await h.deliver(bad);
    expect(result).toMatchObject({ status: 200, body: { outcome: "queued" }, applied: "rejected" });
    const state = await snapshot(paid);
    expect(state).toMatchObject({ ledger: 1, payments: [], subscriptions: [] });
  });

  it("a subscription that races past the tier's cap is kept and flagged for the owner", async () => {
    const paid = await paidCommunity(h, { maxMembers: "1" });
    // Both checkouts start before either is confirmed, as two members on the page at once.
    const first = await payCheckout(h, paid, "first");
    const second = await payCheckout(h, paid, "second");
    expect(first.subscriptionId).not.toBe(second.subscriptionId);
    await deliverAll(await h.take());
    const state = await snapshot(paid);
    expect(state.subscriptions.filter((s) => s.status === "active")).toHaveLength(2);
    const alerts = await paid.inScope((tx) => tx.communityAlert.findMany({ select: { kind: true, title: true } }));
    expect(alerts).toEqual([{ kind: "tier_over_capacity", title: "Gold has 2 members, over its cap of 1" }]);
  });
});
