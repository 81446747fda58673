// PgBouncer in transaction mode (docker-compose.yml's `pgbouncer` profile) hands
// one server connection to many clients, a transaction at a time. The tenant
// scope is set inside each transaction (set_config(…, true), SET LOCAL ROLE), so
// it ends with it: proven here through Debian's PgBouncer with two server
// connections shared by many concurrent transactions of two communities.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDatabase, type Database } from "../lib/db/client";
import { Prisma } from "../lib/generated/prisma/client";
import { inOrder, lastWrite, scopesFor } from "../lib/db/scopes";
import { createTenant } from "./support/fixtures";
import { startPgBouncer } from "./support/pgbouncer";

let bouncer: Awaited<ReturnType<typeof startPgBouncer>>;
let database: Database;
let scopes: ReturnType<typeof scopesFor>;
let a: Awaited<ReturnType<typeof createTenant>>;
let b: Awaited<ReturnType<typeof createTenant>>;

beforeAll(async () => {
  const binary = process.env.PGBOUNCER_PATH;
  if (!binary) throw new Error("PGBOUNCER_PATH is not set: run the tests with npm test, which installs Debian's PgBouncer");
  bouncer = await startPgBouncer(binary, inject("appUrl"), 2);
  // PgBouncer 1.18 keeps no prepared statements between transactions (1.21+ can: max_prepared_statements).
  database = createDatabase(bouncer.url, 12, { namedStatements: false });
  scopes = scopesFor(database);
  [a, b] = await Promise.all([createTenant("bouncer_a"), createTenant("bouncer_b")]);
});

afterAll(async () => {
  await database?.$disconnect();
  await bouncer?.stop();
});

const seenBy = (tenant: typeof a) => (tx: Prisma.TransactionClient) =>
  tx.$queryRaw<{ scope: string; members: string[]; payments: string[] }[]>`
    SELECT current_setting('app.current_community_id', true) AS scope,
           ARRAY(SELECT DISTINCT community_id::text FROM community_members) AS members,
           ARRAY(SELECT DISTINCT community_id::text FROM payments) AS payments, ${tenant.community.id} AS wanted`;

describe("through PgBouncer in transaction mode", () => {
  it("each of many concurrent transactions sees its own community only, on two shared server connections", async () => {
    const runs = Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b));
    const results = await Promise.all(runs.map((tenant) => scopes.withCommunity(tenant.community.id, seenBy(tenant)).then(([row]) => ({ tenant, row: row! }))));
    for (const { tenant, row } of results) {
      expect(row.scope).toBe(tenant.community.id);
      expect(row.members).toEqual([tenant.community.id]);
      expect(row.payments).toEqual([tenant.community.id]);
    }
    // Afterwards a statement outside any scope, on whichever server connection, sees no tenant row.
    for (let i = 0; i < 6; i++) {
      const [row] = await database.$queryRaw<{ scope: string | null; members: number }[]>`
        SELECT nullif(current_setting('app.current_community_id', true), '') AS scope, (SELECT count(*)::int FROM community_members) AS members`;
      expect(row).toEqual({ scope: null, members: 0 });
    }
  });

  it("the user scope's role ends with its transaction too", async () => {
    const [mine, others] = await Promise.all([
      scopes.withUser(a.owner.id, (tx) => tx.communityMember.findMany({ select: { communityId: true } })),
      Promise.all(Array.from({ length: 10 }, () => scopes.withCommunity(b.community.id, seenBy(b)))),
    ]);
    expect(mine.map((m) => m.communityId)).toEqual([a.community.id]);
    for (const [row] of others) expect(row!.members).toEqual([b.community.id]);
    const roles = await Promise.all(Array.from({ length: 6 }, () => database.$queryRaw<{ role: string }[]>`SELECT current_user AS role`));
    for (const [row] of roles) expect(row!.role).not.toBe("communityos_member_self");
  });

  it("the webhook fast path (sqlInCommunity) and the single-statement reads work with unnamed statements", async () => {
    const writes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        scopes.sqlInCommunity((i % 2 ? a : b).community.id, async (tx) => {
          const [scoped] = await inOrder(tx, [Prisma.sql`SELECT current_setting('app.current_community_id') AS id`, Prisma.sql`SELECT 1`]);
          await lastWrite(
            tx,
            Prisma.sql`INSERT INTO audit_log (community_id, action, object_type) VALUES (${(i % 2 ? a : b).community.id}::uuid, 'bouncer.test', 'x')`,
          );
          return scoped![0]!.id;
        }),
      ),
    );
    writes.forEach((scope, i) => expect(scope).toBe((i % 2 ? a : b).community.id));
    const [counted] = await scopes.statementInCommunity<{ n: number }>(
      a.community.id,
      Prisma.sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'bouncer.test'`,
    );
    expect(counted!.n).toBe(10);
  });

  it("named prepared statements do not survive a change of server connection (why DATABASE_NAMED_STATEMENTS exists)", async () => {
    const named = createDatabase(bouncer.url, 1, { namedStatements: true });
    const holder = new pg.Client({ connectionString: bouncer.url });
    await holder.connect();
    try {
      const read = () => scopesFor(named).sqlInCommunity(a.community.id, (tx) => tx.$queryRaw`SELECT count(*)::int AS n FROM community_members`);
      await read(); // prepared on the server connection this transaction had
      // Another client holds that connection (PgBouncer reuses the last one freed) in a transaction of its own.
      await holder.query("BEGIN");
      await expect(read()).rejects.toThrow(/prepared statement .* does not exist/);
    } finally {
      await holder.query("ROLLBACK");
      await holder.end();
      await named.$disconnect();
    }
  });
});
