// Tenant isolation, proven as the application role against a real PostgreSQL.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDatabase, db } from "../lib/db/client";
import { Prisma } from "../lib/generated/prisma/client";
import { readRoleFacts } from "../lib/db/runtime-role";
import { inOrder, lastWrite, scopesFor, withCommunity, withUser, type TenantTx } from "../lib/db/scopes";
import { asOwner, createTenant, createUser, type TenantRows } from "./support/fixtures";

type Delegate = {
  findMany(args: object): Promise<{ id: string; communityId: string }[]>;
  count(args?: object): Promise<number>;
  create(args: object): Promise<unknown>;
  updateMany(args: object): Promise<{ count: number }>;
  deleteMany(args: object): Promise<{ count: number }>;
};

type TableCase = {
  table: string;
  delegate: keyof TenantTx & string;
  id: (rows: TenantRows) => string;
  /** A valid new row for the target community (its own references). */
  newRow: (target: TenantRows) => Promise<Record<string, unknown>>;
  /** A harmless change, to see whether an update got through. */
  change: Record<string, unknown>;
  /** Insert-only for the application role: updates and deletes are refused outright. */
  appendOnly?: boolean;
  /** Updated but never deleted by the application role: deletes are refused outright. */
  kept?: boolean;
};

const tables: TableCase[] = [
  {
    table: "community_members",
    delegate: "communityMember",
    id: (r) => r.memberId,
    newRow: async (t) => {
      const user = await createUser("intruder");
      return { communityId: t.communityId, userId: user.id, discordUserId: user.discordId };
    },
    change: { nickname: "changed" },
  },
  {
    table: "subscription_tiers",
    delegate: "subscriptionTier",
    id: (r) => r.tierId,
    newRow: async (t) => ({ communityId: t.communityId, name: `Tier ${randomUUID()}`, price: "1.00", interval: "monthly" }),
    change: { description: "changed" },
  },
  {
    table: "subscriptions",
    delegate: "subscription",
    id: (r) => r.subscriptionId,
    newRow: async (t) => ({
      communityId: t.communityId,
      memberId: t.memberId,
      stripeCustomerId: "cus_x",
      tierName: "Gold",
      status: "active",
      currentPeriodStart: new Date(),
      currentPeriodEnd: new Date(),
    }),
    change: { status: "canceled" },
  },
  {
    table: "payments",
    delegate: "payment",
    id: (r) => r.paymentId,
    newRow: async (t) => ({ communityId: t.communityId, memberId: t.memberId, amount: "1.00", currency: "USD", status: "succeeded" }),
    change: { status: "refunded" },
  },
  {
    table: "discord_bot_configs",
    delegate: "discordBotConfig",
    id: (r) => r.botConfigId,
    newRow: async (t) => ({ communityId: t.communityId, botTokenEncrypted: "v1:x", clientId: "1", permissions: 0n }),
    change: { welcomeMessage: "changed" },
  },
  {
    table: "analytics_events",
    delegate: "analyticsEvent",
    id: (r) => r.eventId,
    newRow: async (t) => ({ communityId: t.communityId, eventType: "page", eventName: "intrusion" }),
    change: { eventName: "changed" },
  },
  {
    table: "stripe_events",
    delegate: "stripeEvent",
    id: (r) => r.stripeEventId,
    newRow: async (t) => ({
      id: `evt_intruder_${randomUUID()}`,
      communityId: t.communityId,
      type: "invoice.paid",
      stripeCreatedAt: new Date(),
      receivedAt: new Date(),
      outcome: "processed",
    }),
    change: { outcome: "ignored" },
  },
  {
    table: "discord_role_syncs",
    delegate: "discordRoleSync",
    id: (r) => r.roleSyncId,
    newRow: async (t) => ({ communityId: t.communityId, memberId: t.memberId, reason: "intruder", outcome: "synced" }),
    change: { outcome: "changed" },
  },
  {
    table: "discord_role_drift",
    delegate: "discordRoleDrift",
    id: (r) => r.driftId,
    newRow: async (t) => ({ communityId: t.communityId, memberId: t.memberId, unpaidRoles: ["2"] }),
    change: { lastError: "changed" },
  },
  {
    table: "community_monthly_stats",
    delegate: "communityMonthlyStat",
    id: (r) => r.monthlyStatId,
    newRow: async (t) => ({
      communityId: t.communityId,
      month: new Date(Date.UTC(2000 + Math.floor(Math.random() * 500), 0, 1)),
      membersTotal: 9,
      payingTotal: 9,
    }),
    change: { payingTotal: 999 },
  },
  {
    table: "audit_log",
    delegate: "auditLog",
    id: (r) => r.auditId,
    newRow: async (t) => ({ communityId: t.communityId, action: "intruder.wrote", objectType: "community" }),
    change: { action: "changed" },
    appendOnly: true,
  },
  {
    table: "member_notices",
    delegate: "memberNotice",
    id: (r) => r.noticeId,
    newRow: async (t) => ({ communityId: t.communityId, memberId: t.memberId, kind: "dunning", channel: "email", dedupeKey: `intruder:${randomUUID()}` }),
    change: { status: "sent" },
  },
  {
    table: "access_grants",
    delegate: "accessGrant",
    id: (r) => r.accessGrantId,
    newRow: async (t) => ({ communityId: t.communityId, memberId: t.memberId, tierId: t.tierId, note: "intruder" }),
    change: { note: "changed" },
  },
  {
    table: "promotion_codes",
    delegate: "promotionCode",
    id: (r) => r.promotionCodeId,
    newRow: async (t) => ({
      communityId: t.communityId,
      code: `INTRUDER${Math.floor(Math.random() * 1e6)}`,
      stripeCouponId: "coupon_x",
      stripePromotionCodeId: `promo_${randomUUID()}`,
      percentOff: "5.00",
      duration: "once",
    }),
    change: { active: false },
  },
  {
    table: "community_staff",
    delegate: "communityStaff",
    id: (r) => r.staffId,
    newRow: async (t) => ({ communityId: t.communityId, discordUserId: String(100000000000000000n + BigInt(Math.floor(Math.random() * 1e12))), role: "admin" }),
    change: { role: "admin" },
  },
  {
    table: "api_keys",
    delegate: "apiKey",
    id: (r) => r.apiKeyId,
    newRow: async (t) => ({
      communityId: t.communityId,
      name: "intruder",
      hint: "zzzz",
      secretHash: randomUUID().replaceAll("-", "").padEnd(64, "0"),
      scope: "write",
    }),
    change: { scope: "write" },
  },
  {
    table: "webhook_endpoints",
    delegate: "webhookEndpoint",
    id: (r) => r.webhookEndpointId,
    newRow: async (t) => ({ communityId: t.communityId, url: "https://intruder.example/hook", secretEncrypted: "v1.intruder" }),
    change: { url: "https://intruder.example/changed" },
  },
  {
    table: "webhook_deliveries",
    delegate: "webhookDelivery",
    id: (r) => r.webhookDeliveryId,
    newRow: async (t) => ({ communityId: t.communityId, endpointId: t.webhookEndpointId, eventId: randomUUID(), eventType: "ping", payload: {} }),
    change: { status: "failed" },
  },
  {
    table: "member_imports",
    delegate: "memberImport",
    id: (r) => r.memberImportId,
    newRow: async (t) => ({
      communityId: t.communityId,
      source: "csv",
      tierId: t.tierId,
      email: "intruder@example.com",
      claimCode: randomUUID().replaceAll("-", ""),
    }),
    change: { email: "changed@example.com" },
  },
  {
    table: "stripe_imports",
    delegate: "stripeImport",
    id: (r) => r.stripeImportId,
    newRow: async (t) => ({ communityId: t.communityId, mapping: {}, status: "failed" }),
    change: { status: "failed" },
  },
  {
    table: "community_analytics_months",
    delegate: "communityAnalyticsMonth",
    id: (r) => r.analyticsMonthId,
    newRow: async (t) => ({
      communityId: t.communityId,
      month: new Date(Date.UTC(2000 + Math.floor(Math.random() * 500), 0, 1)),
      currency: "EUR",
      payload: {},
    }),
    change: { currency: "GBP" },
  },
  {
    table: "community_servers",
    delegate: "communityServer",
    id: (r) => r.serverId,
    newRow: async (t) => ({
      communityId: t.communityId,
      guildId: String(100_000_000_000_000_000n + BigInt(Math.floor(Math.random() * 1e15))),
      name: "Intruder's server",
    }),
    change: { name: "changed" },
  },
  {
    table: "affiliate_payouts",
    delegate: "affiliatePayout",
    id: (r) => r.affiliatePayoutId,
    newRow: async (t) => ({ communityId: t.communityId, referrerMemberId: t.memberId, amount: "2.00", currency: "USD" }),
    change: { note: "changed" },
    appendOnly: true,
  },
  {
    table: "gifts",
    delegate: "gift",
    id: (r) => r.giftId,
    newRow: async (t) => ({ communityId: t.communityId, tierId: t.tierId, months: 1, paymentId: t.paymentId, stripeCheckoutSessionId: `cs_${randomUUID()}` }),
    change: { message: "changed" },
    kept: true,
  },
  {
    table: "community_alerts",
    delegate: "communityAlert",
    id: (r) => r.alertId,
    newRow: async (t) => ({ communityId: t.communityId, kind: "dispute_opened", title: "Intruder", dedupeKey: `intruder:${randomUUID()}` }),
    change: { title: "changed" },
  },
];

const delegate = (client: unknown, name: string) => (client as Record<string, Delegate>)[name]!;

let a: Awaited<ReturnType<typeof createTenant>>;
let b: Awaited<ReturnType<typeof createTenant>>;

beforeAll(async () => {
  a = await createTenant("a");
  b = await createTenant("b");
});

describe.each(tables)("$table", (t) => {
  it("community A cannot read B's rows", async () => {
    const [direct, all] = await withCommunity(a.community.id, async (tx) => [
      await delegate(tx, t.delegate).findMany({ where: { id: t.id(b.rows) } }),
      await delegate(tx, t.delegate).findMany({}),
    ]);
    expect(direct).toEqual([]);
    expect(all.map((row) => row.communityId)).toContain(a.community.id);
    expect(new Set(all.map((row) => row.communityId))).toEqual(new Set([a.community.id]));
  });

  it("community A cannot update B's rows", async () => {
    const update = withCommunity(a.community.id, (tx) => delegate(tx, t.delegate).updateMany({ where: { id: t.id(b.rows) }, data: t.change }));
    if (t.appendOnly) await expect(update).rejects.toThrow(/permission denied/);
    else expect((await update).count).toBe(0);
    const [untouched] = await withCommunity(b.community.id, (tx) => delegate(tx, t.delegate).findMany({ where: { id: t.id(b.rows) } }));
    expect(untouched).toBeDefined();
    for (const [key, value] of Object.entries(t.change)) expect((untouched as Record<string, unknown>)[key]).not.toEqual(value);
  });

  it("community A cannot delete B's rows", async () => {
    const remove = withCommunity(a.community.id, (tx) => delegate(tx, t.delegate).deleteMany({ where: { id: t.id(b.rows) } }));
    if (t.appendOnly || t.kept) await expect(remove).rejects.toThrow(/permission denied/);
    else expect((await remove).count).toBe(0);
    expect(await withCommunity(b.community.id, (tx) => delegate(tx, t.delegate).count({ where: { id: t.id(b.rows) } }))).toBe(1);
  });

  it("community A cannot insert rows into B", async () => {
    const row = await t.newRow(b.rows);
    await expect(withCommunity(a.community.id, (tx) => delegate(tx, t.delegate).create({ data: row }))).rejects.toThrow(/row-level security/);
  });

  it("community A cannot move its own row into B", async () => {
    await expect(
      withCommunity(a.community.id, (tx) => delegate(tx, t.delegate).updateMany({ where: { id: t.id(a.rows) }, data: { communityId: b.community.id } })),
    ).rejects.toThrow(t.appendOnly ? /permission denied/ : /row-level security/);
  });

  it("no scope sees nothing and writes nothing", async () => {
    expect(await delegate(db, t.delegate).count()).toBe(0);
    const row = await t.newRow(a.rows);
    await expect(delegate(db, t.delegate).create({ data: row })).rejects.toThrow(/row-level security/);
    expect(await withCommunity(a.community.id, (tx) => delegate(tx, t.delegate).count())).toBeGreaterThan(0);
  });
});

describe("tenant-consistent keys", () => {
  it("a row cannot reference another community's row, even inside its own scope", async () => {
    await expect(
      withCommunity(a.community.id, (tx) =>
        tx.payment.create({
          data: { communityId: a.community.id, memberId: b.rows.memberId, amount: "1.00", currency: "USD", status: "succeeded" },
        }),
      ),
    ).rejects.toThrow(/foreign key|Foreign key/);
  });
});

describe("scoped transactions", () => {
  it("a rollback inside withCommunity really rolls back", async () => {
    const name = `Rolled back ${randomUUID()}`;
    await expect(
      withCommunity(a.community.id, async (tx) => {
        await tx.subscriptionTier.create({ data: { communityId: a.community.id, name, price: "3.00", interval: "monthly" } });
        expect(await tx.subscriptionTier.count({ where: { name } })).toBe(1);
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await withCommunity(a.community.id, (tx) => tx.subscriptionTier.count({ where: { name } }))).toBe(0);
  });

  it("concurrent transactions of A and B never see each other's rows", async () => {
    const runs = Array.from({ length: 24 }, (_, i) => {
      const tenant = i % 2 === 0 ? a : b;
      return withCommunity(tenant.community.id, async (tx) => {
        await tx.$executeRaw`SELECT pg_sleep(0.01)`;
        const members = await tx.communityMember.findMany({ select: { communityId: true } });
        const events = await tx.analyticsEvent.findMany({ select: { communityId: true } });
        return { expected: tenant.community.id, seen: [...members, ...events].map((row) => row.communityId) };
      });
    });
    for (const { expected, seen } of await Promise.all(runs)) {
      expect(seen.length).toBeGreaterThan(0);
      expect(new Set(seen)).toEqual(new Set([expected]));
    }
  });

  it("a pooled connection that served A serves an unscoped query that sees nothing", async () => {
    const single = createDatabase(inject("appUrl"), 1);
    const scopes = scopesFor(single);
    try {
      expect(await scopes.withCommunity(a.community.id, (tx) => tx.communityMember.count())).toBeGreaterThan(0);
      const [setting] = await single.$queryRaw<{ value: string | null }[]>`
        SELECT current_setting('app.current_community_id', true) AS value, pg_backend_pid() AS pid`;
      expect(setting?.value ?? "").toBe(""); // '' rather than NULL: why the policies use nullif
      expect(await single.communityMember.count()).toBe(0);
      expect(await single.payment.count()).toBe(0);
      const seenByB = await scopes.withCommunity(b.community.id, (tx) => tx.communityMember.findMany({ select: { communityId: true } }));
      expect(new Set(seenByB.map((row) => row.communityId))).toEqual(new Set([b.community.id]));
    } finally {
      await single.$disconnect();
    }
  });

  it("statementInCommunity (one statement, no interactive transaction) holds the same isolation", async () => {
    const single = createDatabase(inject("appUrl"), 1);
    const scopes = scopesFor(single);
    try {
      // Every tenant table, read without a WHERE: only the scope's rows come back.
      for (const t of tables) {
        const rows = await scopes.statementInCommunity<{ community_id: string }>(a.community.id, Prisma.sql([`SELECT community_id FROM ${t.table}`]));
        expect(rows.length, t.table).toBeGreaterThan(0);
        expect(new Set(rows.map((r) => r.community_id)), t.table).toEqual(new Set([a.community.id]));
      }
      // A write through it into B is refused by WITH CHECK, and the connection that served A then sees nothing unscoped.
      await expect(
        scopes.statementInCommunity(
          a.community.id,
          Prisma.sql`INSERT INTO audit_log (community_id, action, object_type) VALUES (${b.community.id}::uuid, 'intruder', 'x') RETURNING id`,
        ),
      ).rejects.toThrow(/row-level security/);
      expect(await single.communityMember.count()).toBe(0);
      await expect(scopes.statementInCommunity("not-a-uuid", Prisma.sql`SELECT 1`)).rejects.toThrow(/UUID/);
    } finally {
      await single.$disconnect();
    }
  });

  it("sqlInCommunity (plain pg, prepared statements) holds the same isolation, and rolls back on error", async () => {
    const single = createDatabase(inject("appUrl"), 1);
    const scopes = scopesFor(single);
    try {
      for (const t of tables) {
        // Twice: the second run reuses the connection's prepared statement.
        for (let i = 0; i < 2; i++) {
          const rows = await scopes.sqlInCommunity(a.community.id, (tx) =>
            tx.$queryRaw<{ community_id: string }[]>(Prisma.sql([`SELECT community_id FROM ${t.table}`])),
          );
          expect(rows.length, t.table).toBeGreaterThan(0);
          expect(new Set(rows.map((r) => r.community_id)), t.table).toEqual(new Set([a.community.id]));
        }
      }
      await expect(
        scopes.sqlInCommunity(
          a.community.id,
          (tx) => tx.$executeRaw`INSERT INTO audit_log (community_id, action, object_type) VALUES (${b.community.id}::uuid, 'intruder', 'x')`,
        ),
      ).rejects.toThrow(/row-level security/);
      const marker = `rolled-back-${randomUUID()}`;
      await expect(
        scopes.sqlInCommunity(a.community.id, async (tx) => {
          await tx.$executeRaw`INSERT INTO audit_log (community_id, action, object_type) VALUES (${a.community.id}::uuid, ${marker}, 'x')`;
          throw new Error("boom");
        }),
      ).rejects.toThrow("boom");
      expect(await withCommunity(a.community.id, (tx) => tx.auditLog.count({ where: { action: marker } }))).toBe(0);
      // The connection that served A sees nothing unscoped afterwards.
      expect(await single.communityMember.count()).toBe(0);
    } finally {
      await single.$disconnect();
    }
  });

  it("sqlInCommunity's batched statements (inOrder) and its last write (sent with the COMMIT) hold the same isolation and roll back together", async () => {
    const single = createDatabase(inject("appUrl"), 1);
    const scopes = scopesFor(single);
    try {
      // Every tenant table in one message, each statement in A's scope.
      const batches = await scopes.sqlInCommunity(a.community.id, (tx) =>
        inOrder(
          tx,
          tables.map((t) => Prisma.sql([`SELECT community_id FROM ${t.table}`])),
        ),
      );
      batches.forEach((rows, i) => {
        expect(rows.length, tables[i]!.table).toBeGreaterThan(0);
        expect(new Set(rows.map((r) => r.community_id)), tables[i]!.table).toEqual(new Set([a.community.id]));
      });
      const intrude = Prisma.sql`INSERT INTO audit_log (community_id, action, object_type) VALUES (${b.community.id}::uuid, 'intruder', 'x')`;
      await expect(scopes.sqlInCommunity(a.community.id, (tx) => inOrder(tx, [Prisma.sql`SELECT 1`, intrude]))).rejects.toThrow(/row-level security/);

      // A later statement sees an earlier one's write; a failing last write takes every write of the transaction with it.
      const marker = `batched-${randomUUID()}`;
      const insert = (action: string) =>
        Prisma.sql`INSERT INTO audit_log (community_id, action, object_type) VALUES (${a.community.id}::uuid, ${action}, ${"x"}) RETURNING id`;
      const [, seen] = await scopes.sqlInCommunity(a.community.id, (tx) =>
        inOrder(tx, [insert(marker), Prisma.sql`SELECT count(*)::int AS n FROM audit_log WHERE action = ${marker}`]),
      );
      expect(seen).toEqual([{ n: 1 }]);
      // Values of every kind the statements take, written into the message as literals
      // (quotes and backslashes intact).
      const odd = `it's "odd" \\ ${randomUUID()}`;
      const [, found, spent] = await scopes.sqlInCommunity(a.community.id, (tx) =>
        inOrder(tx, [
          insert(odd),
          Prisma.sql`SELECT count(*)::int AS n FROM audit_log WHERE action = ANY(${[odd, "none"]}) AND created_at <= ${new Date(Date.now() + 60_000)}::timestamptz`,
          Prisma.sql`SELECT count(*)::int AS n FROM payments WHERE status = ANY(${["succeeded", "refunded"]}) AND amount >= ${0} AND ${true}`,
        ]),
      );
      expect(found).toEqual([{ n: 1 }]);
      expect((spent?.[0] as { n: number }).n).toBeGreaterThan(0);
      const doomed = `doomed-${randomUUID()}`;
      await expect(
        scopes.sqlInCommunity(a.community.id, async (tx) => {
          await inOrder(tx, [insert(doomed), insert(doomed)]);
          await lastWrite(tx, intrude);
        }),
      ).rejects.toThrow(/row-level security/);
      expect(await withCommunity(a.community.id, (tx) => tx.auditLog.count({ where: { action: doomed } }))).toBe(0);
      // Nothing may be sent after the last write: it would run before it.
      await expect(
        scopes.sqlInCommunity(a.community.id, async (tx) => {
          await lastWrite(tx, insert(doomed));
          await tx.$executeRaw(insert(doomed));
        }),
      ).rejects.toThrow(/after the transaction's last write/);
      expect(await withCommunity(a.community.id, (tx) => tx.auditLog.count({ where: { action: doomed } }))).toBe(0);
      // A last write that succeeds commits.
      await scopes.sqlInCommunity(a.community.id, (tx) => lastWrite(tx, insert(doomed)));
      expect(await withCommunity(a.community.id, (tx) => tx.auditLog.count({ where: { action: doomed } }))).toBe(1);
      expect(await single.communityMember.count()).toBe(0);
    } finally {
      await single.$disconnect();
    }
  });

  it("refuses a scope that is not a UUID before touching the database", async () => {
    await expect(withCommunity("'; DROP TABLE payments; --", async () => 1)).rejects.toThrow(/UUID/);
    await expect(withCommunity(undefined as unknown as string, async () => 1)).rejects.toThrow(/UUID/);
  });
});

describe("user scope", () => {
  it("lets a member read their own memberships across communities, and nothing else", async () => {
    const member = await createUser("member");
    const joinA = await withCommunity(a.community.id, (tx) =>
      tx.communityMember.create({ data: { communityId: a.community.id, userId: member.id, discordUserId: member.discordId }, select: { id: true } }),
    );
    await withCommunity(b.community.id, (tx) =>
      tx.communityMember.create({ data: { communityId: b.community.id, userId: member.id, discordUserId: member.discordId } }),
    );
    await withCommunity(a.community.id, (tx) =>
      tx.subscription.create({
        data: {
          communityId: a.community.id,
          memberId: joinA.id,
          stripeCustomerId: "cus_member",
          tierName: "Gold",
          status: "active",
          currentPeriodStart: new Date(),
          currentPeriodEnd: new Date(),
        },
      }),
    );

    const seen = await withUser(member.id, async (tx) => ({
      memberships: await tx.communityMember.findMany({ select: { userId: true, communityId: true } }),
      subscriptions: await tx.subscription.findMany({ select: { memberId: true } }),
      payments: await tx.payment.count(),
    }));
    expect(seen.memberships).toHaveLength(2);
    expect(new Set(seen.memberships.map((m) => m.userId))).toEqual(new Set([member.id]));
    expect(new Set(seen.memberships.map((m) => m.communityId))).toEqual(new Set([a.community.id, b.community.id]));
    expect(seen.subscriptions).toEqual([{ memberId: joinA.id }]);
    expect(seen.payments).toBe(0);
  });

  it("cannot read what is not the member's own: tiers and bot configs are not granted to it", async () => {
    const member = await createUser("nosy");
    await expect(withUser(member.id, (tx) => tx.discordBotConfig.findMany())).rejects.toThrow(/permission denied/);
    await expect(withUser(member.id, (tx) => tx.subscriptionTier.count())).rejects.toThrow(/permission denied/);
  });

  it("is read-only: the self-read role holds no write privilege", async () => {
    const user = await createUser("writer");
    await expect(
      withUser(user.id, (tx) => tx.communityMember.create({ data: { communityId: a.community.id, userId: user.id, discordUserId: user.discordId } })),
    ).rejects.toThrow(/permission denied/);
    await withCommunity(a.community.id, (tx) =>
      tx.communityMember.create({ data: { communityId: a.community.id, userId: user.id, discordUserId: user.discordId } }),
    );
    await expect(withUser(user.id, (tx) => tx.communityMember.updateMany({ where: { userId: user.id }, data: { nickname: "self-service" } }))).rejects.toThrow(
      /permission denied/,
    );
    const [mine] = await withUser(user.id, (tx) => tx.communityMember.findMany({ select: { nickname: true } }));
    expect(mine).toEqual({ nickname: null });
  });
});

describe("the database enforces it", () => {
  it("the application role is not a superuser, has no BYPASSRLS and owns nothing", async () => {
    const client = new pg.Client({ connectionString: inject("appUrl") });
    await client.connect();
    try {
      const facts = await readRoleFacts(client);
      expect(facts).toMatchObject({ superuser: false, bypassRls: false, ownedTables: 0, inAppGroup: true });
      // It may switch to the self-read role, but never holds its policies by inheritance.
      const { rows } = await client.query(`SELECT pg_has_role('communityos_member_self', 'USAGE') AS inherits,
                                                  pg_has_role('communityos_member_self', 'MEMBER') AS can_switch`);
      expect(rows[0]).toEqual({ inherits: false, can_switch: true });
    } finally {
      await client.end();
    }
  });

  it("every table with a community_id has RLS enabled, forced and a tenant policy", async () => {
    const tablesWithCommunity = await asOwner(async (client) => {
      const { rows } = await client.query<{ name: string; enabled: boolean; forced: boolean; using: string | null; check: string | null }>(`
        SELECT c.relname AS name, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
               pg_get_expr(p.polqual, p.polrelid) AS using, pg_get_expr(p.polwithcheck, p.polrelid) AS check
          FROM pg_class c
          JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
          JOIN pg_attribute at ON at.attrelid = c.oid AND at.attname = 'community_id' AND NOT at.attisdropped
          LEFT JOIN pg_policy p ON p.polrelid = c.oid AND p.polname = 'tenant_isolation'
         WHERE c.relkind IN ('r', 'p')`);
      return rows;
    });
    const names = tablesWithCommunity.map((row) => row.name);
    for (const t of tables) expect(names).toContain(t.table);
    expect(names).toContain("analytics_events_default");
    for (const row of tablesWithCommunity) {
      expect.soft(row, row.name).toMatchObject({ enabled: true, forced: true });
      for (const expr of [row.using, row.check]) {
        expect
          .soft(expr, `${row.name} policy`)
          .toMatch(/community_id = \(\s*SELECT \(NULLIF\(current_setting\('app\.current_community_id'::text, true\), ''::text\)\)::uuid/);
      }
    }
  });

  it("the functions the runtime may call act only in the caller's scope and only within retention", async () => {
    // Outside any scope they refuse; in A's scope they cannot reach B's members.
    await expect(db.$queryRaw`SELECT purge_audit_log(now(), 10)`).rejects.toThrow(/community scope/);
    await expect(db.$queryRaw`SELECT scrub_audit_log_for_erased_member(${b.rows.memberId}::uuid)`).rejects.toThrow(/community scope/);
    await expect(withCommunity(a.community.id, (tx) => tx.$queryRaw`SELECT scrub_audit_log_for_erased_member(${b.rows.memberId}::uuid)`)).rejects.toThrow(
      /not an erased member/,
    );
    // A cutoff in the future purges nothing younger than the audit log's retention.
    await withCommunity(a.community.id, (tx) => tx.auditLog.create({ data: { communityId: a.community.id, action: "isolation.fresh", objectType: "t" } }));
    await withCommunity(a.community.id, (tx) => tx.$queryRaw`SELECT purge_audit_log('infinity'::timestamptz, 10000)`);
    expect(await withCommunity(a.community.id, (tx) => tx.auditLog.count({ where: { action: "isolation.fresh" } }))).toBe(1);
  });

  it("the tenant policy is answered from an index on community_id", async () => {
    const plan = await withCommunity(a.community.id, async (tx) => {
      // Tiny test tables would otherwise be scanned, or (with a row or two) sorted from any
      // index at no cost: this asks whether the page's index is usable under the policy at all.
      await tx.$executeRaw`SET LOCAL enable_seqscan = off`;
      await tx.$executeRaw`SET LOCAL enable_sort = off`;
      const rows = await tx.$queryRaw<{ "QUERY PLAN": string }[]>`
        EXPLAIN SELECT id FROM community_members ORDER BY joined_at DESC, id DESC LIMIT 50`;
      return rows.map((row) => row["QUERY PLAN"]).join("\n");
    });
    // One policy, so the page is read in index order: no OR with the user scope's policy.
    expect(plan).toMatch(/Index (Only )?Scan using idx_community_members_community_id_joined_at/);
    expect(plan).toMatch(/Index Cond: \(community_id = \(InitPlan/);
    expect(plan).not.toContain("BitmapOr");
    expect(plan).not.toContain("user_id");
  });
});

afterAll(async () => {
  await db.$disconnect();
});
