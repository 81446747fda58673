// Owner webhooks as an owner's receiver sees them: events recorded with the
// change that caused them, signed with the endpoint's own secret in Stripe's
// scheme, retried on failure (21 attempts, about three days of backoff), a
// delivery log with response codes, resend, event filters and pausing, no
// private addresses in production, and never another community's events.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordBillingEvent } from "../lib/analytics/record";
import { applyPolicy } from "../lib/gdpr/retention";
import { refreshMember } from "../lib/billing/member-refresh";
import { db } from "../lib/db/client";
import { withCommunity, rowKey } from "../lib/db/scopes";
import { grantComp, grantCompSchema } from "../lib/members/comp-access";
import { deliverWebhook, DeliveryFailed } from "../lib/webhooks/deliver";
import { destinationProblem, webhookUrlSchema } from "../lib/webhooks/destination";
import { addEndpoint, addEndpointSchema, resendDelivery, revealSecret, setEndpointActive } from "../lib/webhooks/endpoints";
import { memberEventFor } from "../lib/webhooks/events";
import { SIGNATURE_HEADER, verifySignature } from "../lib/webhooks/signature";
import { asOwner, createTenant, createUser } from "./support/fixtures";

type Received = { body: string; signature: string | null; path: string };
const received: Received[] = [];
let status = 200;
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      received.push({ body, signature: (req.headers[SIGNATURE_HEADER] as string | undefined) ?? null, path: req.url ?? "" });
      res.writeHead(status).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.close();
  await db.$disconnect();
});

async function community(events: string[] = []) {
  const t = await createTenant("hooks");
  const actor = { id: t.owner.id, discordId: t.owner.discordId, username: "owner" };
  const path = `/hooks/${t.community.id}`;
  const endpoint = await withCommunity(t.community.id, (tx) =>
    addEndpoint(tx, t.community.id, actor, addEndpointSchema.parse({ url: `${base}${path}`, events })),
  );
  // The fixture's own (paused) endpoint and its delivery are not this endpoint's.
  const deliveries = () =>
    withCommunity(t.community.id, (tx) => tx.webhookDelivery.findMany({ where: { endpointId: endpoint.id }, orderBy: { createdAt: "asc" } }));
  const newMember = async () => {
    const u = await createUser("hook_member");
    return withCommunity(t.community.id, (tx) =>
      tx.communityMember.create({ data: { communityId: t.community.id, userId: u.id, discordUserId: u.discordId }, select: { id: true, discordUserId: true } }),
    );
  };
  return { ...t, actor, endpoint, path, deliveries, newMember, inbox: () => received.filter((r) => r.path === path) };
}

describe("events", () => {
  it("a member who gains access is member.joined, delivered signed with the endpoint's secret", async () => {
    const c = await community();
    const m = await c.newMember();
    await withCommunity(c.community.id, (tx) =>
      grantComp(tx, c.community.id, c.actor, grantCompSchema.parse({ memberId: m.id, tierId: c.rows.tierId, until: "", note: "" })),
    );
    const [delivery] = await c.deliveries();
    expect(delivery).toMatchObject({ eventType: "member.joined", status: "pending", attempts: 0 });
    // Its job is queued with the change, with three days of attempts.
    const jobs = await asOwner(
      async (client) =>
        (await client.query("SELECT j.max_attempts FROM graphile_worker._private_jobs j WHERE j.payload->>'deliveryId' = $1", [delivery!.id])).rows,
    );
    expect(jobs).toEqual([{ max_attempts: 21 }]);

    expect(await deliverWebhook(c.community.id, delivery!.id, { final: false })).toBe("succeeded");
    const [got] = c.inbox();
    const { secret } = await withCommunity(c.community.id, (tx) => revealSecret(tx, { endpointId: c.endpoint.id }));
    expect(secret).toBe(c.endpoint.secret);
    expect(verifySignature(secret, got!.body, got!.signature)).toBe(true);
    expect(verifySignature("whsec_wrong", got!.body, got!.signature)).toBe(false);
    expect(verifySignature(secret, got!.body.replace("member.joined", "member.cancelled"), got!.signature)).toBe(false);
    expect(JSON.parse(got!.body)).toMatchObject({
      type: "member.joined",
      community_id: c.community.id,
      data: { member_id: m.id, discord_user_id: m.discordUserId, status: "comp", tier: "Gold" },
    });
    expect((await c.deliveries())[0]).toMatchObject({ status: "succeeded", attempts: 1, responseStatus: 200 });
    // A twin job of a delivered event sends nothing more.
    expect(await deliverWebhook(c.community.id, delivery!.id, { final: false })).toBe("skipped");
    expect(c.inbox()).toHaveLength(1);
  });

  it("payments are payment.succeeded / failed / refunded, recorded in the same statement as the analytics event", async () => {
    const c = await community();
    const at = new Date();
    await withCommunity(c.community.id, async (tx) => {
      await recordBillingEvent(
        tx,
        {
          communityId: c.community.id,
          name: "payment_succeeded",
          at,
          discordUserId: "123456789012345678",
          properties: { payment_id: c.rows.paymentId, amount: "9.99", currency: "USD" },
        },
        ["subscription_renewed"],
        {
          kind: "mail:receipt",
          payload: { communityId: c.community.id, paymentId: c.rows.paymentId },
        },
      );
      await recordBillingEvent(tx, { communityId: c.community.id, name: "payment_failed", at, properties: { payment_id: c.rows.paymentId } });
      await recordBillingEvent(tx, { communityId: c.community.id, name: "payment_refunded", at, properties: { payment_id: c.rows.paymentId, amount: "9.99" } });
      await recordBillingEvent(tx, { communityId: c.community.id, name: "payment_disputed", at, properties: { payment_id: c.rows.paymentId } });
    });
    const deliveries = await c.deliveries();
    expect(deliveries.map((d) => d.eventType).sort()).toEqual(["payment.failed", "payment.refunded", "payment.succeeded"]);
    expect(deliveries.find((d) => d.eventType === "payment.succeeded")!.payload).toMatchObject({
      data: { payment_id: c.rows.paymentId, amount: "9.99", discord_user_id: "123456789012345678" },
    });
    // The analytics events are still all there.
    const names = await withCommunity(c.community.id, (tx) => tx.analyticsEvent.findMany({ where: { eventType: "billing" }, select: { eventName: true } }));
    expect(names.map((n) => n.eventName).sort()).toEqual([
      "payment_disputed",
      "payment_failed",
      "payment_refunded",
      "payment_succeeded",
      "subscription_renewed",
    ]);
  });

  it("a failed payment's stages are member.lapsed; the end of access is member.cancelled; tier moves are up or down", async () => {
    const c = await community(["member.lapsed", "member.cancelled"]);
    const m = await c.newMember();
    // Each change its own transaction, as the webhooks that cause them are.
    const sub = await withCommunity(c.community.id, async (tx) => {
      const created = await tx.subscription.create({
        data: {
          communityId: c.community.id,
          memberId: m.id,
          tierId: c.rows.tierId,
          stripeSubscriptionId: `sub_hooks_${m.id}`,
          stripeCustomerId: "cus_hooks",
          tierName: "Gold",
          status: "active",
          currentPeriodStart: new Date(),
          currentPeriodEnd: new Date(Date.now() + 30 * 86_400_000),
        },
      });
      await refreshMember(tx, m.id, new Date());
      return created.id;
    });
    await withCommunity(c.community.id, async (tx) => {
      await tx.subscription.update({ where: rowKey(sub), data: { status: "past_due", gracePeriodEndsAt: new Date(Date.now() + 86_400_000) } });
      await refreshMember(tx, m.id, new Date());
    });
    await withCommunity(c.community.id, async (tx) => {
      await tx.subscription.update({ where: rowKey(sub), data: { status: "canceled", canceledAt: new Date(), currentPeriodEnd: new Date(Date.now() - 1000) } });
      await refreshMember(tx, m.id, new Date());
    });
    const deliveries = await c.deliveries();
    expect(deliveries.map((d) => [d.eventType, (d.payload as { data: { stage?: string } }).data.stage ?? null])).toEqual([
      ["member.lapsed", "grace"],
      ["member.cancelled", null],
    ]);
    await withCommunity(c.community.id, async (tx) => {
      await tx.subscriptionTier.create({ data: { communityId: c.community.id, name: "Platinum", price: "20.00", interval: "monthly" } });
      await tx.subscriptionTier.create({ data: { communityId: c.community.id, name: "Yearly Bronze", price: "60.00", interval: "yearly" } });
      expect(await memberEventFor(tx, { status: "active", tier: "Gold" }, { status: "active", tier: "Platinum" })).toEqual({
        type: "member.upgraded",
        extra: { from_tier: "Gold" },
      });
      // 60 a year is 5 a month: cheaper than Gold's 9.99.
      expect(await memberEventFor(tx, { status: "active", tier: "Gold" }, { status: "active", tier: "Yearly Bronze" })).toMatchObject({
        type: "member.downgraded",
      });
      expect(await memberEventFor(tx, { status: "none", tier: null }, { status: "trialing", tier: "Gold" })).toMatchObject({ type: "member.joined" });
      expect(await memberEventFor(tx, { status: "restricted", tier: "Gold" }, { status: "unpaid", tier: null })).toMatchObject({
        type: "member.lapsed",
        extra: { stage: "removed" },
      });
      expect(await memberEventFor(tx, { status: "unpaid", tier: null }, { status: "canceled", tier: null })).toBeNull();
      // A pause is not an end: member.paused, then member.resumed (not joined) when it is over; cancelled while paused is an end.
      expect(await memberEventFor(tx, { status: "active", tier: "Gold" }, { status: "paused", tier: "Gold" })).toEqual({ type: "member.paused", extra: {} });
      expect(await memberEventFor(tx, { status: "paused", tier: "Gold" }, { status: "active", tier: "Gold" })).toEqual({ type: "member.resumed", extra: {} });
      expect(await memberEventFor(tx, { status: "paused", tier: "Gold" }, { status: "canceled", tier: "Gold" })).toMatchObject({ type: "member.cancelled" });
    });
  });
});

describe("deliveries", () => {
  it("a failing receiver: each attempt logged with its response code, retried by throwing, failed on the last; resend delivers", async () => {
    const c = await community();
    await withCommunity(c.community.id, (tx) =>
      recordBillingEvent(tx, { communityId: c.community.id, name: "payment_failed", at: new Date(), properties: { payment_id: c.rows.paymentId } }),
    );
    const [delivery] = await c.deliveries();
    status = 500;
    try {
      await expect(deliverWebhook(c.community.id, delivery!.id, { final: false })).rejects.toBeInstanceOf(DeliveryFailed);
      expect((await c.deliveries())[0]).toMatchObject({ status: "pending", attempts: 1, responseStatus: 500 });
      await expect(deliverWebhook(c.community.id, delivery!.id, { final: true })).rejects.toThrow(/HTTP 500/);
      const failed = (await c.deliveries())[0]!;
      expect(failed).toMatchObject({ status: "failed", attempts: 2 });
      expect(failed.attemptLog).toEqual([expect.objectContaining({ status: 500, error: "HTTP 500" }), expect.objectContaining({ status: 500 })]);
    } finally {
      status = 200;
    }
    await withCommunity(c.community.id, (tx) => resendDelivery(tx, c.community.id, { deliveryId: delivery!.id }));
    expect((await c.deliveries())[0]!.status).toBe("pending");
    expect(await deliverWebhook(c.community.id, delivery!.id, { final: false })).toBe("succeeded");
    expect((await c.deliveries())[0]).toMatchObject({ status: "succeeded", attempts: 3, responseStatus: 200 });
  });

  it("an unreachable receiver is an attempt with the reason, not a crash", async () => {
    const c = await community();
    await withCommunity(c.community.id, (tx) => tx.webhookEndpoint.update({ where: rowKey(c.endpoint.id), data: { url: "http://127.0.0.1:9/closed" } }));
    await withCommunity(c.community.id, (tx) =>
      recordBillingEvent(tx, { communityId: c.community.id, name: "payment_failed", at: new Date(), properties: {} }),
    );
    const [delivery] = await c.deliveries();
    await expect(deliverWebhook(c.community.id, delivery!.id, { final: false })).rejects.toThrow(/could not connect/);
    expect((await c.deliveries())[0]!.attemptLog).toEqual([expect.objectContaining({ status: null, error: expect.stringContaining("could not connect") })]);
  });

  it("an endpoint gets only the events it asked for; a paused one gets none", async () => {
    const c = await community(["payment.succeeded"]);
    const m = await c.newMember();
    await withCommunity(c.community.id, (tx) =>
      grantComp(tx, c.community.id, c.actor, grantCompSchema.parse({ memberId: m.id, tierId: c.rows.tierId, until: "", note: "" })),
    );
    expect(await c.deliveries()).toEqual([]);
    await withCommunity(c.community.id, (tx) => setEndpointActive(tx, { endpointId: c.endpoint.id, active: false }));
    await withCommunity(c.community.id, (tx) =>
      recordBillingEvent(tx, { communityId: c.community.id, name: "payment_succeeded", at: new Date(), properties: {} }),
    );
    expect(await c.deliveries()).toEqual([]);
  });

  it("one community's events never reach another's endpoint", async () => {
    const a = await community();
    const b = await community();
    await withCommunity(b.community.id, (tx) =>
      recordBillingEvent(tx, { communityId: b.community.id, name: "payment_succeeded", at: new Date(), properties: {} }),
    );
    expect(await a.deliveries()).toEqual([]);
    expect(await b.deliveries()).toHaveLength(1);
    // Even named explicitly, A's scope cannot record an event for B's endpoints.
    await expect(
      withCommunity(a.community.id, (tx) => recordBillingEvent(tx, { communityId: b.community.id, name: "payment_succeeded", at: new Date(), properties: {} })),
    ).rejects.toThrow(/row-level security/);
  });
});

describe("the delivery log", () => {
  it("is purged past its retention policy (90 days by default), the young entries kept", async () => {
    const c = await community();
    await withCommunity(c.community.id, (tx) =>
      recordBillingEvent(tx, { communityId: c.community.id, name: "payment_failed", at: new Date(), properties: {} }),
    );
    await withCommunity(c.community.id, (tx) =>
      recordBillingEvent(tx, { communityId: c.community.id, name: "payment_succeeded", at: new Date(), properties: {} }),
    );
    const [old] = await c.deliveries();
    await withCommunity(c.community.id, (tx) =>
      tx.webhookDelivery.update({ where: rowKey(old!.id), data: { createdAt: new Date(Date.now() - 100 * 86_400_000) } }),
    );
    const policy = await db.dataRetentionPolicy.findFirstOrThrow({ where: { tableName: "webhook_deliveries" } });
    expect(policy.retentionDays).toBe(90);
    await applyPolicy(policy, new Date());
    expect((await c.deliveries()).map((d) => d.id)).not.toContain(old!.id);
    expect(await c.deliveries()).toHaveLength(1);
  });
});

describe("where webhooks may go", () => {
  it("production refuses loopback, private and link-local addresses; a public address passes", async () => {
    for (const url of [
      "http://127.0.0.1/x",
      "https://10.1.2.3/x",
      "https://[::1]/x",
      "https://169.254.169.254/latest",
      "https://192.168.0.10/x",
      "https://localhost/x",
    ]) {
      expect(await destinationProblem(url, false), url).toMatch(/private or reserved/);
    }
    expect(await destinationProblem("https://93.184.216.34/hook", false)).toBeNull();
    expect(await destinationProblem("https://no-such-host.invalid/hook", false)).toMatch(/does not resolve/);
  });

  it("refuses what is not a URL, or carries a password", () => {
    expect(webhookUrlSchema.safeParse("not a url").success).toBe(false);
    expect(webhookUrlSchema.safeParse("ftp://example.com/x").success).toBe(false);
    expect(webhookUrlSchema.safeParse("https://user:pass@example.com/x").success).toBe(false);
    expect(webhookUrlSchema.safeParse("https://example.com/hooks").success).toBe(true);
    expect(addEndpointSchema.safeParse({ url: "https://example.com/hooks", events: ["member.exploded"] }).success).toBe(false);
  });
});
