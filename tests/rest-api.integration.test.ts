// The REST API as a caller uses it: bearer keys (shown once, stored hashed,
// read or read-write, revocable, last used), every call in the key's community
// scope (a key of A never reads or changes B), rate limits per key, keyset
// pages, clear refusals, and an OpenAPI document that matches the answers.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";

vi.hoisted(() => {
  process.env.API_RATE_LIMIT = "40";
});

import { createApiKey, revokeApiKey } from "../lib/api/keys";
import { openApiDocument } from "../lib/api/openapi";
import * as schemas from "../lib/api/resources";
import { db } from "../lib/db/client";
import { withCommunity, rowKey } from "../lib/db/scopes";
import { createTenant, createUser } from "./support/fixtures";

afterAll(() => db.$disconnect());

let a: Awaited<ReturnType<typeof createTenant>>;
let b: Awaited<ReturnType<typeof createTenant>>;
let readKey: string;
let writeKey: string;
let bKey: string;

const actorOf = (t: typeof a) => ({ id: t.owner.id, discordId: t.owner.discordId, username: "owner" });

beforeAll(async () => {
  a = await createTenant("api_a");
  b = await createTenant("api_b");
  readKey = (await withCommunity(a.community.id, (tx) => createApiKey(tx, a.community.id, actorOf(a), { name: "reader", scope: "read" }))).key;
  writeKey = (await withCommunity(a.community.id, (tx) => createApiKey(tx, a.community.id, actorOf(a), { name: "writer", scope: "write" }))).key;
  bKey = (await withCommunity(b.community.id, (tx) => createApiKey(tx, b.community.id, actorOf(b), { name: "b", scope: "write" }))).key;
  // More members in A, for pages.
  for (let i = 0; i < 4; i++) {
    const u = await createUser(`api_member_${i}`);
    await withCommunity(a.community.id, (tx) => tx.communityMember.create({ data: { communityId: a.community.id, userId: u.id, discordUserId: u.discordId } }));
  }
});

type Call = { method?: string; key?: string | null; body?: unknown; ip?: string };

async function call(path: string, { method = "GET", key = readKey, body, ip = "203.0.113.9" }: Call = {}) {
  const url = `http://localhost/api/v1${path}`;
  const headers: Record<string, string> = { "x-forwarded-for": ip };
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const request = new Request(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const route = path.split("?")[0]!;
  const segments = route.split("/").filter(Boolean);
  let mod: object;
  let params: Record<string, string> = {};
  if (segments[0] === "members" && segments[1]) {
    mod = await import("../app/api/v1/members/[id]/route");
    params = { id: segments[1] };
  } else if (segments[0] === "comp-access" && segments[1]) {
    mod = await import("../app/api/v1/comp-access/[id]/route");
    params = { id: segments[1] };
  } else if (segments[0] === "members") mod = await import("../app/api/v1/members/route");
  else if (segments[0] === "subscriptions") mod = await import("../app/api/v1/subscriptions/route");
  else if (segments[0] === "payments") mod = await import("../app/api/v1/payments/route");
  else if (segments[0] === "tiers") mod = await import("../app/api/v1/tiers/route");
  else mod = await import("../app/api/v1/comp-access/route");
  const handler = (mod as Record<string, (r: Request, c: unknown) => Promise<Response>>)[method]!;
  const response = await handler(request, { params: Promise.resolve(params) });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

describe("API keys", () => {
  it("are shown once and kept only as a hash", async () => {
    const created = await withCommunity(a.community.id, (tx) => createApiKey(tx, a.community.id, actorOf(a), { name: "hash check", scope: "read" }));
    expect(created.key).toMatch(/^cos_[0-9a-f]{32}_[A-Za-z0-9_-]{32}$/);
    const row = await withCommunity(a.community.id, (tx) => tx.apiKey.findUniqueOrThrow({ where: rowKey(created.id) }));
    expect(row.secretHash).toBe(createHash("sha256").update(created.key).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(created.key.slice(-32));
    expect(row.hint).toBe(created.key.slice(-4));
  });

  it("no key, a made-up key or a revoked key: 401, and nothing read", async () => {
    expect((await call("/members", { key: null })).status).toBe(401);
    expect((await call("/members", { key: `cos_${a.community.id.replaceAll("-", "")}_${"x".repeat(32)}` })).status).toBe(401);
    const doomed = await withCommunity(a.community.id, (tx) => createApiKey(tx, a.community.id, actorOf(a), { name: "doomed", scope: "read" }));
    expect((await call("/tiers", { key: doomed.key })).status).toBe(200);
    await withCommunity(a.community.id, (tx) => revokeApiKey(tx, doomed.id));
    const refused = await call("/tiers", { key: doomed.key });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toBe("Bearer");
  });

  it("records when a key was last used", async () => {
    const fresh = await withCommunity(a.community.id, (tx) => createApiKey(tx, a.community.id, actorOf(a), { name: "touch", scope: "read" }));
    await call("/tiers", { key: fresh.key });
    const row = await withCommunity(a.community.id, (tx) => tx.apiKey.findUniqueOrThrow({ where: rowKey(fresh.id), select: { lastUsedAt: true } }));
    expect(row.lastUsedAt).not.toBeNull();
  });
});

describe("reads", () => {
  it("lists members in keyset pages that add up to every member once, in the documented shape", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof call>> = await call(`/members?limit=2${cursor ? `&starting_after=${cursor}` : ""}`);
      expect(page.status).toBe(200);
      const parsed = schemas.page(schemas.Member).strict().parse(page.body);
      for (const m of parsed.data) expect(Object.keys(m).sort()).toEqual(Object.keys(schemas.Member.shape).sort());
      seen.push(...parsed.data.map((m) => m.id));
      cursor = parsed.next_cursor;
    } while (cursor);
    const all = await withCommunity(a.community.id, (tx) => tx.communityMember.findMany({ select: { id: true } }));
    expect(seen.sort()).toEqual(all.map((m) => m.id).sort());
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("serves subscriptions, payments, tiers and comp access in their documented shapes, never database fields", async () => {
    for (const [path, schema] of [
      ["/subscriptions", schemas.page(schemas.Subscription)],
      ["/payments", schemas.page(schemas.Payment)],
      ["/comp-access", schemas.page(schemas.CompAccess)],
      ["/tiers", z.object({ data: z.array(schemas.Tier) })],
    ] as const) {
      const res = await call(path);
      expect(res.status, path).toBe(200);
      expect(() => (schema as z.ZodObject).strict().parse(res.body), path).not.toThrow();
      expect(JSON.stringify(res.body), path).not.toMatch(/communityId|stripeCustomerId|metadata/);
    }
    const payments = schemas.page(schemas.Payment).parse((await call("/payments")).body);
    expect(payments.data[0]).toMatchObject({ id: a.rows.paymentId, amount: "9.99", currency: "USD" });
  });

  it("a tier shows every role it grants: its own server's and each linked server's", async () => {
    const linked = { guildId: "298000000000000077", roleId: "398000000000000077" };
    await withCommunity(a.community.id, (tx) =>
      tx.subscriptionTier.update({ where: rowKey(a.rows.tierId), data: { extraRoleIds: ["398000000000000076"], serverRoles: [linked] } }),
    );
    const tiers = z.object({ data: z.array(schemas.Tier) }).parse((await call("/tiers")).body);
    expect(tiers.data.find((t) => t.id === a.rows.tierId)).toMatchObject({
      extra_role_ids: ["398000000000000076"],
      server_roles: [{ guild_id: linked.guildId, role_id: linked.roleId }],
    });
  });

  it("a key of A never reads B: B's member is not found, B's rows never listed", async () => {
    expect((await call(`/members/${b.rows.memberId}`)).status).toBe(404);
    const lists = await Promise.all(
      ["/members?limit=100", "/subscriptions?limit=100", "/payments?limit=100", "/comp-access?limit=100", "/tiers"].map((p) => call(p)),
    );
    const text = JSON.stringify(lists.map((l) => l.body));
    for (const id of [b.rows.memberId, b.rows.subscriptionId, b.rows.paymentId, b.rows.tierId, b.rows.accessGrantId]) expect(text).not.toContain(id);
    // And B's key sees B.
    expect((await call(`/members/${b.rows.memberId}`, { key: bKey })).status).toBe(200);
    // A cursor from B's list is no cursor of A's.
    expect((await call(`/members?starting_after=${b.rows.memberId}`)).body).toMatchObject({ details: { starting_after: [expect.any(String)] } });
  });

  it("refuses bad input with 400 and the field", async () => {
    expect(await call("/members?limit=1000")).toMatchObject({ status: 400, body: { details: { limit: [expect.any(String)] } } });
    expect(await call("/members?status=royalty")).toMatchObject({ status: 400, body: { details: { status: [expect.any(String)] } } });
    expect((await call("/members/not-an-id")).status).toBe(404);
  });
});

describe("writes", () => {
  it("a read key may not write (403), a write key gives and revokes comp access, audited as the API", async () => {
    const body = { member_id: a.rows.memberId, tier_id: a.rows.tierId, until: "2999-01-01", note: "API partner" };
    expect((await call("/comp-access", { method: "POST", body })).status).toBe(403);
    const created = await call("/comp-access", { method: "POST", key: writeKey, body });
    expect(created.status).toBe(201);
    const grant = schemas.CompAccess.parse(created.body);
    expect(grant).toMatchObject({
      member_id: a.rows.memberId,
      tier_id: a.rows.tierId,
      until: "2999-01-01T23:59:59.999Z",
      note: "API partner",
      revoked_at: null,
    });
    const revoked = await call(`/comp-access/${grant.id}`, { method: "DELETE", key: writeKey });
    expect(revoked.status).toBe(200);
    expect(schemas.CompAccess.parse(revoked.body).revoked_at).not.toBeNull();
    const audit = await withCommunity(a.community.id, (tx) =>
      tx.auditLog.findMany({ where: { objectId: a.rows.memberId, action: { in: ["comp.granted", "comp.revoked"] } }, select: { details: true } }),
    );
    expect(audit.filter((e) => (e.details as { via?: string }).via === "api")).toHaveLength(2);
  });

  it("a write key of A cannot give A's tier to B's member, nor revoke B's grant; nothing is written", async () => {
    const before = await withCommunity(b.community.id, (tx) => tx.accessGrant.count());
    expect((await call("/comp-access", { method: "POST", key: writeKey, body: { member_id: b.rows.memberId, tier_id: a.rows.tierId } })).status).toBe(422);
    expect((await call(`/comp-access/${b.rows.accessGrantId}`, { method: "DELETE", key: writeKey })).status).toBe(404);
    expect(await withCommunity(b.community.id, (tx) => tx.accessGrant.count())).toBe(before);
    const bGrant = await withCommunity(b.community.id, (tx) =>
      tx.accessGrant.findUniqueOrThrow({ where: rowKey(b.rows.accessGrantId), select: { revokedAt: true } }),
    );
    expect(bGrant.revokedAt).toBeNull();
  });

  it("refuses a body that is not JSON, or not the schema", async () => {
    expect((await call("/comp-access", { method: "POST", key: writeKey, body: { member_id: "x" } })).status).toBe(400);
    const { POST } = await import("../app/api/v1/comp-access/route");
    const res = await POST(
      new Request("http://localhost/api/v1/comp-access", { method: "POST", headers: { authorization: `Bearer ${writeKey}` }, body: "member_id=1" }),
      undefined,
    );
    expect(res.status).toBe(400);
  });
});

describe("rate limits", () => {
  it("refuse a key past its limit per minute with Retry-After; another key goes on", async () => {
    const hot = await withCommunity(a.community.id, (tx) => createApiKey(tx, a.community.id, actorOf(a), { name: "hot", scope: "read" }));
    const statuses: number[] = [];
    for (let i = 0; i < 42; i++) statuses.push((await call("/tiers", { key: hot.key })).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(40);
    const refused = await call("/tiers", { key: hot.key });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await call("/tiers", { key: readKey })).status).toBe(200);
  });
});

describe("the OpenAPI document", () => {
  it("names every endpoint with its method, scope and schemas, built from the same zod schemas", async () => {
    const doc = openApiDocument("http://localhost/api/v1");
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths).sort()).toEqual(["/comp-access", "/comp-access/{id}", "/members", "/members/{id}", "/payments", "/subscriptions", "/tiers"]);
    const listMembers = doc.paths["/members"]!.get as {
      parameters: { name: string }[];
      responses: Record<string, { content?: { "application/json": { schema: { properties: Record<string, unknown> } } } }>;
    };
    expect(listMembers.parameters.map((p) => p.name).sort()).toEqual(["limit", "starting_after", "status"]);
    expect(Object.keys(listMembers.responses["200"]!.content!["application/json"].schema.properties).sort()).toEqual(["data", "has_more", "next_cursor"]);
    const post = doc.paths["/comp-access"]!.post as { "x-required-scope": string; requestBody: unknown; responses: Record<string, unknown> };
    expect(post["x-required-scope"]).toBe("write");
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(["201", "400", "401", "403", "422", "429"]));
    const { GET } = await import("../app/api/v1/openapi.json/route");
    vi.stubEnv("AUTH_URL", "http://localhost:3000");
    const served = await GET(new Request("http://localhost/api/v1/openapi.json"), undefined);
    expect(served.status).toBe(200);
    expect(((await served.json()) as { servers: { url: string }[] }).servers[0]!.url).toMatch(/\/api\/v1$/);
  });
});
