// The weaknesses a live security review confirmed, each reproduced as an
// attack that must now fail: purging or dropping past retention through the
// runtime's own functions, erasure and export that miss page views, owner
// exports that reveal members' network details, an erased member's name left
// in the audit log, a truncated GCM tag, and a Stripe customer left behind.
import { createCipheriv, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type Stripe from "stripe";
import { db } from "../lib/db/client";
import { withCommunity } from "../lib/db/scopes";
import { decryptToken, encryptToken, parseKeyRing, TokenDecryptionError } from "../lib/crypto/token-box";
import { eraseAccount } from "../lib/gdpr/erasure";
import { exportMemberData, exportUserData } from "../lib/gdpr/export";
import { removeMember } from "../lib/members/remove";
import { recordAudit } from "../lib/audit/record";
import { asOwner, createCommunity, createUser } from "./support/fixtures";
import { paidCommunity, payCheckout, startStripeHarness, type PaidCommunity, type StripeHarness } from "./support/stripe-webhooks";

const request = vi.hoisted(() => ({ headers: new Headers() }));
vi.mock("next/headers", () => ({
  headers: async () => request.headers,
  cookies: async () => ({ get: (name: string) => (name === "cos_vid" ? { value: "visitor-1234abcd" } : undefined) }),
}));

let h: StripeHarness;
let paid: PaidCommunity;
let stripeClient: Stripe;

beforeAll(async () => {
  h = await startStripeHarness();
  stripeClient = h.client;
  paid = await paidCommunity(h, { price: "9.00" });
});

afterAll(async () => {
  await h.close();
  await db.$disconnect();
});

const DAY = 86_400_000;

describe("the runtime's retention functions stay within retention", () => {
  it("purge_audit_log('infinity') deletes only entries past the audit log's retention", async () => {
    const owner = await createUser("sec_audit_owner");
    const community = await createCommunity(owner.id);
    const old = new Date(Date.now() - 800 * DAY); // the seeded policy keeps 730 days
    await withCommunity(community.id, (tx) =>
      tx.auditLog.createMany({
        data: [
          { communityId: community.id, action: "ancient", objectType: "t", createdAt: old },
          { communityId: community.id, action: "fresh", objectType: "t" },
        ],
      }),
    );
    const [row] = await withCommunity(
      community.id,
      (tx) => tx.$queryRaw<{ deleted: number }[]>`SELECT purge_audit_log('infinity'::timestamptz, 1000) AS deleted`,
    );
    expect(row!.deleted).toBe(1);
    const left = await withCommunity(community.id, (tx) => tx.auditLog.findMany({ select: { action: true } }));
    expect(left).toEqual([{ action: "fresh" }]);
  });

  // Partition DDL is transactional: these run in a transaction that is rolled back,
  // so the shared test database keeps every partition other test files rely on.
  it("drop_analytics_partitions_before('infinity') drops no month that is still within retention", async () => {
    const current = new Date();
    const name = `analytics_events_y${current.getUTCFullYear()}m${String(current.getUTCMonth() + 1).padStart(2, "0")}`;
    const { dropped, stillThere } = await rolledBack(async (tx) => {
      // A ten-year policy: every partition there is, is within retention.
      await tx.dataRetentionPolicy.updateMany({ where: { tableName: "analytics_events" }, data: { retentionDays: 3650 } });
      const dropped = await tx.$queryRaw<{ name: string }[]>`SELECT drop_analytics_partitions_before('infinity'::timestamptz) AS name`;
      const [row] = await tx.$queryRaw<{ ok: boolean }[]>`SELECT to_regclass(${name}) IS NOT NULL AS ok`;
      return { dropped, stillThere: row!.ok };
    });
    expect(dropped).toEqual([]);
    expect(stillThere).toBe(true);
  });

  it("ensure_analytics_partitions makes no month before the retention window and at most a year ahead", async () => {
    const { created, ancient } = await rolledBack(async (tx) => {
      const [row] = await tx.$queryRaw<{ created: number }[]>`SELECT ensure_analytics_partitions('1900-01-01'::date, 12) AS created`;
      const [old] = await tx.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_class WHERE relname LIKE 'analytics_events_y19%'`;
      return { created: row!.created, ancient: old!.n };
    });
    expect(created).toBeLessThanOrEqual(12);
    expect(ancient).toBe(0);
    await expect(db.$queryRaw`SELECT ensure_analytics_partitions(now()::date, 13)`).rejects.toThrow(/months_ahead/);
  });
});

class RolledBack<T> extends Error {
  constructor(readonly value: T) {
    super("rolled back on purpose");
  }
}

async function rolledBack<T>(fn: (tx: Parameters<Parameters<typeof db.$transaction>[0]>[0]) => Promise<T>): Promise<T> {
  try {
    await db.$transaction(
      async (tx) => {
        throw new RolledBack(await fn(tx));
      },
      { timeout: 60_000 },
    );
  } catch (error) {
    if (error instanceof RolledBack) return error.value as T;
    throw error;
  }
  throw new Error("unreachable");
}

describe("page views, exports and erasure", () => {
  it("records the proxy's hop, truncated, and never shows owners members' addresses or browsers", async () => {
    const { recordPageView } = await import("../lib/analytics/page-view");
    const owner = await createUser("sec_pv_owner");
    const community = await createCommunity(owner.id);
    const visitor = await createUser("sec_pv_visitor");
    // The first hop is whatever the client claims; the last is what our proxy saw.
    request.headers = new Headers({ "x-forwarded-for": "6.6.6.6, 203.0.113.77", "user-agent": "Mozilla/5.0 (sec)" });
    await recordPageView(community.id, `/c/${community.slug}`, visitor.id);
    const [view] = await asOwner(
      async (c) => (await c.query("SELECT host(ip_address) AS ip, user_agent FROM analytics_events WHERE user_id = $1", [visitor.id])).rows,
    );
    expect(view).toEqual({ ip: "203.0.113.0", user_agent: "Mozilla/5.0 (sec)" });

    const member = await withCommunity(community.id, (tx) =>
      tx.communityMember.create({ data: { communityId: community.id, userId: visitor.id, discordUserId: visitor.discordId }, select: { id: true } }),
    );
    const forOwner = await exportMemberData(community.id, member.id);
    expect(forOwner!.events.length).toBeGreaterThan(0);
    expect(JSON.stringify(forOwner)).not.toMatch(/203\.0\.113|Mozilla|visitor-1234abcd|ipAddress|userAgent|sessionId/);
    // The person's own export has them.
    const own = await exportUserData(visitor.id);
    expect(own.events).toContainEqual(expect.objectContaining({ community: community.slug, ipAddress: "203.0.113.0", userAgent: "Mozilla/5.0 (sec)" }));
  });

  it("exports and erases a signed-in visitor's page views of communities they never joined", async () => {
    const { recordPageView } = await import("../lib/analytics/page-view");
    const owner = await createUser("sec_nj_owner");
    const joined = await createCommunity(owner.id);
    const neverJoined = await createCommunity(owner.id);
    const visitor = await createUser("sec_nj_visitor");
    const bystander = await createUser("sec_nj_bystander");
    await withCommunity(joined.id, (tx) =>
      tx.communityMember.create({ data: { communityId: joined.id, userId: visitor.id, discordUserId: visitor.discordId } }),
    );
    request.headers = new Headers({ "x-forwarded-for": "198.51.100.4", "user-agent": "Visitor UA" });
    for (const c of [joined, neverJoined]) await recordPageView(c.id, `/c/${c.slug}`, visitor.id);
    await recordPageView(neverJoined.id, `/c/${neverJoined.slug}`, bystander.id);

    const exported = await exportUserData(visitor.id);
    expect(exported.events.map((e) => e.community).sort()).toEqual([joined.slug, neverJoined.slug].sort());
    expect(JSON.stringify(exported)).not.toContain(bystander.id);

    await eraseAccount(visitor.id, { client: () => stripeClient });
    const named = await asOwner(async (c) => (await c.query("SELECT count(*)::int AS n FROM analytics_events WHERE user_id = $1", [visitor.id])).rows[0].n);
    expect(named).toBe(0);
    const left = await asOwner(
      async (c) =>
        (
          await c.query("SELECT user_id, host(ip_address) AS ip, user_agent FROM analytics_events WHERE community_id = $1 ORDER BY user_id NULLS FIRST", [
            neverJoined.id,
          ])
        ).rows,
    );
    expect(left).toEqual([
      { user_id: null, ip: null, user_agent: null },
      { user_id: bystander.id, ip: "198.51.100.0", user_agent: "Visitor UA" },
    ]);
  });

  it("scrubs an erased member's name from the audit entries about them, through a function bound to the erasure", async () => {
    const { actor } = await payCheckout(h, paid, "sec_audit_member");
    const member = await paid.inScope((tx) =>
      tx.communityMember.findUniqueOrThrow({ where: { communityId_userId: { communityId: paid.community.id, userId: actor.id } }, select: { id: true } }),
    );
    const removed = await removeMember(paid.community, member.id, paid.inScope, () => stripeClient);
    await paid.inScope((tx) =>
      recordAudit(tx, paid.community.id, paid.community.ownerId, {
        action: "member.removed",
        objectType: "member",
        objectId: member.id,
        details: { username: removed.username, cancelled: removed.cancelled },
      }),
    );
    // Before the erasure, the function refuses: the log is append-only.
    await expect(paid.inScope((tx) => tx.$queryRaw`SELECT scrub_audit_log_for_erased_member(${member.id}::uuid)`)).rejects.toThrow(/not an erased member/);

    await eraseAccount(actor.id, { client: () => stripeClient });
    const entries = await paid.inScope((tx) => tx.auditLog.findMany({ where: { objectId: member.id }, select: { action: true, details: true } }));
    expect(entries.map((e) => e.action).sort()).toEqual(["member.erased", "member.removed"]);
    expect(JSON.stringify(entries)).not.toContain(removed.username);
    expect(entries.find((e) => e.action === "member.removed")!.details).toMatchObject({ personalDataErased: true, cancelled: removed.cancelled });
  });

  it("deletes the member's customer (name, e-mail, metadata) at Stripe on erasure", async () => {
    const { actor } = await payCheckout(h, paid, "sec_customer");
    const member = await paid.inScope((tx) =>
      tx.communityMember.findUniqueOrThrow({
        where: { communityId_userId: { communityId: paid.community.id, userId: actor.id } },
        select: { stripeCustomerId: true },
      }),
    );
    const before = await stripeClient.customers.retrieve(member.stripeCustomerId!, {}, { stripeAccount: paid.account });
    expect(before.deleted).toBeFalsy();

    await eraseAccount(actor.id, { client: () => stripeClient });
    const after = await stripeClient.customers.retrieve(member.stripeCustomerId!, {}, { stripeAccount: paid.account });
    expect(after).toEqual({ id: member.stripeCustomerId, object: "customer", deleted: true });
  });
});

describe("bot token sealing", () => {
  it("refuses a token whose GCM tag was cut short", () => {
    const ring = parseKeyRing(`k1:${randomBytes(32).toString("base64")}`);
    const community = "3f7c2a4e-0000-4000-8000-000000000001";
    expect(decryptToken(encryptToken("bot-token", community, ring), community, ring)).toBe("bot-token");
    // The same token sealed with a 4-byte tag: GCM would accept it unless told the length.
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", ring.keys.get("k1")!, iv, { authTagLength: 4 });
    cipher.setAAD(Buffer.from(community));
    const body = Buffer.concat([cipher.update("bot-token", "utf8"), cipher.final()]);
    const short = ["v1", "k1", iv.toString("base64url"), body.toString("base64url"), cipher.getAuthTag().toString("base64url")].join(".");
    expect(() => decryptToken(short, community, ring)).toThrow(TokenDecryptionError);
  });
});
