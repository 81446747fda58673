// Data retention: each policy deletes what is past retention in every community
// (and nothing younger), whole analytics months go as dropped partitions, the
// run is stamped, and the admin's input is validated before anything is saved.
// Cutoffs sit in 2023 so no other test file's rows are in reach.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../lib/db/client";
import { withCommunity } from "../lib/db/scopes";
import { ActionError } from "../lib/actions/action-chain";
import { applyPolicy, applyRetentionPolicies } from "../lib/gdpr/retention";
import { policyInput, updateRetentionPolicy } from "../lib/gdpr/retention-admin";
import { asOwner, createCommunity, createUser } from "./support/fixtures";

const CUTOFF = new Date("2024-01-01T00:00:00Z");
/** "now" for a policy of `days` days whose cutoff is CUTOFF. */
const nowFor = (days: number) => new Date(CUTOFF.getTime() + days * 86_400_000);
const OLD = new Date("2023-12-15T12:00:00Z");
const OLDER = new Date("2023-06-10T12:00:00Z"); // no partition: lives in the default partition
const YOUNG = new Date("2024-01-02T00:00:00Z");

let communities: { id: string }[];
let userId: string;

const policy = (table: string) => db.dataRetentionPolicy.findFirstOrThrow({ where: { tableName: table } });
const count = (communityId: string, sql: string) => asOwner(async (client) => Number((await client.query<{ n: string }>(sql, [communityId])).rows[0]!.n));

beforeAll(async () => {
  const owner = await createUser("retention_owner");
  userId = owner.id;
  communities = [await createCommunity(owner.id), await createCommunity(owner.id)];
  await asOwner(async (client) => {
    await client.query(`CREATE TABLE IF NOT EXISTS analytics_events_y2023m12 PARTITION OF analytics_events FOR VALUES FROM ('2023-12-01') TO ('2024-01-01')`);
    await client.query(
      `SELECT enable_tenant_rls('analytics_events_y2023m12') WHERE NOT EXISTS (SELECT 1 FROM pg_policies WHERE tablename = 'analytics_events_y2023m12')`,
    );
  });
  for (const c of communities) {
    await withCommunity(c.id, async (tx) => {
      for (const [timestamp, eventType] of [
        [OLD, "page"],
        [OLDER, "page"],
        [OLDER, "billing"],
        [YOUNG, "page"],
      ] as const) {
        await tx.analyticsEvent.create({ data: { communityId: c.id, eventType, eventName: "x", timestamp } });
      }
      for (const [i, receivedAt, outcome] of [
        [1, OLD, "ignored"],
        [2, OLD, "processed"],
        [3, YOUNG, "ignored"],
      ] as const) {
        await tx.stripeEvent.create({
          data: { id: `evt_ret_${c.id.slice(0, 8)}_${i}`, communityId: c.id, type: "x", stripeCreatedAt: receivedAt, receivedAt, outcome },
        });
      }
      await tx.communityAlert.createMany({
        data: [
          { communityId: c.id, kind: "k", title: "old resolved", dedupeKey: "a", createdAt: OLD, resolvedAt: OLD },
          { communityId: c.id, kind: "k", title: "old but open", dedupeKey: "b", createdAt: OLD },
          { communityId: c.id, kind: "k", title: "young resolved", dedupeKey: "c", createdAt: OLD, resolvedAt: YOUNG },
        ],
      });
      await tx.auditLog.createMany({
        data: [
          { communityId: c.id, action: "old", objectType: "t", createdAt: OLD },
          { communityId: c.id, action: "young", objectType: "t", createdAt: YOUNG },
        ],
      });
      const member = await tx.communityMember.create({ data: { communityId: c.id, userId, discordUserId: "100000000000000777" }, select: { id: true } });
      await tx.memberNotice.createMany({
        data: [
          { communityId: c.id, memberId: member.id, kind: "receipt", channel: "email", dedupeKey: "old", status: "sent", createdAt: OLD, sentAt: OLD },
          { communityId: c.id, memberId: member.id, kind: "receipt", channel: "email", dedupeKey: "young", status: "sent", createdAt: YOUNG, sentAt: YOUNG },
        ],
      });
    });
  }
  await db.session.createMany({
    data: [
      { sessionToken: `ret-old-${userId}`, userId, expires: OLD },
      { sessionToken: `ret-young-${userId}`, userId, expires: YOUNG },
    ],
  });
});

afterAll(() => db.$disconnect());

describe("data retention", () => {
  it("is seeded with defaults, analytics events kept 13 months", async () => {
    const rows = await db.dataRetentionPolicy.findMany({ select: { tableName: true, retentionDays: true } });
    expect(rows).toContainEqual({ tableName: "analytics_events", retentionDays: 395 });
    expect(rows.map((r) => r.tableName).sort()).toEqual([
      "analytics_events",
      "audit_log",
      "community_alerts",
      "discord_role_syncs",
      "member_notices",
      "sessions",
      "stripe_events",
      "verification_tokens",
      "webhook_deliveries",
    ]);
    expect(rows).toContainEqual({ tableName: "member_notices", retentionDays: 365 });
    expect(rows).toContainEqual({ tableName: "webhook_deliveries", retentionDays: 90 });
  });

  it("deletes analytics past retention in every community, dropping whole months as partitions", async () => {
    const report = await applyPolicy({ ...(await policy("analytics_events")), retentionDays: 30, deletionCriteria: null }, nowFor(30));
    expect(report.droppedPartitions).toEqual(["analytics_events_y2023m12"]);
    expect(await asOwner((c) => c.query(`SELECT to_regclass('analytics_events_y2023m12') AS t`).then((r) => r.rows[0].t))).toBeNull();
    // The later months stay attached.
    expect(await asOwner((c) => c.query(`SELECT to_regclass('analytics_events_y2025m01') AS t`).then((r) => r.rows[0].t))).not.toBeNull();
    for (const c of communities) {
      expect(await count(c.id, `SELECT count(*) AS n FROM analytics_events WHERE community_id = $1 AND "timestamp" < '2024-01-01'`)).toBe(0);
      expect(await count(c.id, `SELECT count(*) AS n FROM analytics_events WHERE community_id = $1 AND "timestamp" >= '2024-01-01'`)).toBe(1);
    }
    expect(report.deletedRows).toBeGreaterThanOrEqual(4); // the default partition's rows, batch-deleted
    const stamped = await policy("analytics_events");
    expect(stamped.lastCleanup?.getTime()).toBe(nowFor(30).getTime());
    expect(Number(stamped.lastDeletedRows)).toBe(report.deletedRows);
  });

  it("honours criteria: only the listed outcomes of the Stripe ledger go", async () => {
    const report = await applyPolicy({ ...(await policy("stripe_events")), retentionDays: 10, deletionCriteria: { outcomes: ["ignored"] } }, nowFor(10));
    expect(report.deletedRows).toBeGreaterThanOrEqual(2);
    for (const c of communities) {
      const left = await asOwner((client) =>
        client
          .query<{ outcome: string; received_at: Date }>(`SELECT outcome, received_at FROM stripe_events WHERE community_id = $1 ORDER BY id`, [c.id])
          .then((r) => r.rows),
      );
      expect(left.map((r) => r.outcome)).toEqual(["processed", "ignored"]);
    }
  });

  it("keeps open alerts and young rows; purges the append-only audit log through its own function", async () => {
    await applyPolicy({ ...(await policy("community_alerts")), retentionDays: 10, deletionCriteria: { resolvedOnly: true } }, nowFor(10));
    await applyPolicy({ ...(await policy("audit_log")), retentionDays: 10, deletionCriteria: null }, nowFor(10));
    for (const c of communities) {
      const alerts = await asOwner((client) =>
        client
          .query<{ title: string }>(`SELECT title FROM community_alerts WHERE community_id = $1 ORDER BY title`, [c.id])
          .then((r) => r.rows.map((x) => x.title)),
      );
      expect(alerts).toEqual(["old but open", "young resolved"]);
      const audit = await asOwner((client) =>
        client.query<{ action: string }>(`SELECT action FROM audit_log WHERE community_id = $1`, [c.id]).then((r) => r.rows.map((x) => x.action)),
      );
      expect(audit).toEqual(["young"]);
    }
    // The application itself still cannot delete audit entries.
    await expect(withCommunity(communities[0]!.id, (tx) => tx.auditLog.deleteMany({}))).rejects.toThrow(/permission denied/);
  });

  it("purges messages sent to members past retention, in every community", async () => {
    const report = await applyPolicy({ ...(await policy("member_notices")), retentionDays: 10 }, nowFor(10));
    expect(report.deletedRows).toBeGreaterThanOrEqual(2);
    for (const c of communities) {
      expect(await count(c.id, `SELECT count(*) AS n FROM member_notices WHERE community_id = $1 AND dedupe_key = 'old'`)).toBe(0);
      expect(await count(c.id, `SELECT count(*) AS n FROM member_notices WHERE community_id = $1 AND dedupe_key = 'young'`)).toBe(1);
    }
  });

  it("ends expired sessions past their retention, not live ones", async () => {
    await applyPolicy({ ...(await policy("sessions")), retentionDays: 5 }, nowFor(5));
    const tokens = (await db.session.findMany({ where: { userId }, select: { sessionToken: true } })).map((s) => s.sessionToken);
    expect(tokens).toEqual([`ret-young-${userId}`]);
  });

  it("runs every policy in the scheduled sweep and stamps each", async () => {
    // A "now" early enough that no other test's rows are past any policy.
    const { reports, failures } = await applyRetentionPolicies(nowFor(10));
    expect(failures).toEqual([]);
    expect(reports).toHaveLength(9);
    const stamps = await db.dataRetentionPolicy.findMany({ select: { lastCleanup: true } });
    expect(stamps.every((s) => s.lastCleanup)).toBe(true);
  });

  it("refuses bad policy input with field errors and saves nothing", async () => {
    const before = await policy("stripe_events");
    expect(policyInput.safeParse({ tableName: "payments", retentionDays: "30" }).success).toBe(false);
    for (const retentionDays of ["0", "-5", "1.5", "99999", "abc", ""]) {
      expect(policyInput.safeParse({ tableName: "stripe_events", retentionDays }).success, retentionDays).toBe(false);
    }
    for (const criteria of ["{not json", '{"outcomes": ["nope"]}', '{"unknown": 1}', "[]", '"x"']) {
      const input = policyInput.parse({ tableName: "stripe_events", retentionDays: "30", criteria });
      await expect(updateRetentionPolicy(userId, input)).rejects.toBeInstanceOf(ActionError);
    }
    expect(await policy("stripe_events")).toEqual(before);
    const saved = await updateRetentionPolicy(
      userId,
      policyInput.parse({ tableName: "stripe_events", retentionDays: "90", criteria: '{"outcomes": ["ignored", "rejected"]}' }),
    );
    expect(saved).toEqual({ tableName: "stripe_events", retentionDays: 90 });
    const after = await policy("stripe_events");
    expect(after.deletionCriteria).toEqual({ outcomes: ["ignored", "rejected"] });
    expect(after.updatedBy).toBe(userId);
  });
});
