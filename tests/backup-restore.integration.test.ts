// Disaster recovery, end to end: db:backup's dump and roles restored into a
// brand-new PostgreSQL server, then the tenant isolation checks and a bot-token
// decryption run against the restored copy as the application role.
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { backupDatabase, BackupError, restoreDatabase } from "../lib/db/backup";
import { createDatabase, db, type Database } from "../lib/db/client";
import { readRoleFacts } from "../lib/db/runtime-role";
import { scopesFor, withCommunity } from "../lib/db/scopes";
import { keyRing, sealToken } from "../lib/discord/bot-config";
import { decryptToken } from "../lib/crypto/token-box";
import { createTenant } from "./support/fixtures";
import { startScratchServer, type ScratchServer } from "./support/scratch-server";
import { withClient } from "./support/test-database";

const TOKEN = "MTAwMDAwMDAwMDAwMDAwMDAx.restore.test-token";
let dir: string;
let fresh: ScratchServer;
let restored: Database;
let restoredAppUrl: string;
let a: Awaited<ReturnType<typeof createTenant>>;
let b: Awaited<ReturnType<typeof createTenant>>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "communityos-backups-"));
  [a, b] = [await createTenant("backup_a"), await createTenant("backup_b")];
  await withCommunity(a.community.id, (tx) =>
    tx.discordBotConfig.update({ where: { communityId: a.community.id }, data: { botTokenEncrypted: sealToken(TOKEN, a.community.id) } }),
  );
  fresh = await startScratchServer();
}, 120_000);

afterAll(async () => {
  await restored?.$disconnect();
  await fresh?.dispose();
  await db.$disconnect();
  await rm(dir, { recursive: true, force: true });
});

describe("db:backup and db:restore", () => {
  it("write a timestamped custom-format dump with the roles, keeping only the newest", async () => {
    const first = await backupDatabase({ ownerUrl: inject("ownerUrl"), dir, keep: 2, now: new Date("2026-01-01T00:00:00Z") });
    await backupDatabase({ ownerUrl: inject("ownerUrl"), dir, keep: 2, now: new Date("2026-01-02T00:00:00Z") });
    const third = await backupDatabase({ ownerUrl: inject("ownerUrl"), dir, keep: 2, now: new Date("2026-01-03T00:00:00Z") });
    expect(path.basename(third.dumpFile)).toBe("communityos-20260103T000000Z.dump");
    expect(third.globalsFile).not.toBeNull();
    expect(third.removed).toEqual([path.basename(first.dumpFile)]);
    expect((await readdir(dir)).sort()).toEqual([
      "communityos-20260102T000000Z-globals.sql",
      "communityos-20260102T000000Z.dump",
      "communityos-20260103T000000Z-globals.sql",
      "communityos-20260103T000000Z.dump",
    ]);
  }, 120_000);

  it("restore into a new server: roles created, the app role logs in with its own password", async () => {
    const result = await restoreDatabase({ dumpFile: path.join(dir, "communityos-20260103T000000Z.dump"), targetUrl: fresh.ownerUrl("communityos_restored") });
    expect(result.createdRoles).toEqual(
      expect.arrayContaining(["communityos_app", "communityos_member_self", decodeURIComponent(new URL(inject("appUrl")).username)]),
    );
    restoredAppUrl = fresh.moved(inject("appUrl"), "communityos_restored");
    restored = createDatabase(restoredAppUrl, 2);
    const facts = await withClient(restoredAppUrl, readRoleFacts);
    expect(facts).toMatchObject({ superuser: false, bypassRls: false, ownedTables: 0, inAppGroup: true });
  }, 120_000);

  it("the restored copy still isolates communities: every tenant table, forced RLS, reads and writes", async () => {
    const tables = await withClient(
      fresh.ownerUrl("communityos_restored"),
      async (client) =>
        (
          await client.query<{ name: string; enabled: boolean; forced: boolean; policy: string | null; updatable: boolean }>(`
        SELECT c.relname AS name, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced, p.polname AS policy,
               has_table_privilege('communityos_app', c.oid, 'UPDATE') AS updatable
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
          JOIN pg_attribute at ON at.attrelid = c.oid AND at.attname = 'community_id' AND NOT at.attisdropped
          LEFT JOIN pg_policy p ON p.polrelid = c.oid AND p.polname = 'tenant_isolation'
         WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition`)
        ).rows,
    );
    expect(tables.length).toBeGreaterThanOrEqual(12);
    for (const { updatable: _u, ...t } of tables) expect.soft(t, t.name).toMatchObject({ enabled: true, forced: true, policy: "tenant_isolation" });

    const { withCommunity: inRestored } = scopesFor(restored);
    for (const { name, updatable } of tables) {
      const table = pg.escapeIdentifier(name);
      const [own, others, moved] = await inRestored(a.community.id, async (tx) => [
        Number((await tx.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM ${table}`))[0]!.n),
        Number((await tx.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM ${table} WHERE community_id <> $1::uuid`, a.community.id))[0]!.n),
        // Append-only tables (no UPDATE for the application) refuse updates outright; the isolation suite checks that.
        !updatable ? 0 : await tx.$executeRawUnsafe(`UPDATE ${table} SET community_id = community_id WHERE community_id = $1::uuid`, b.community.id),
      ]);
      expect.soft(others, `${name}: rows of other communities visible`).toBe(0);
      expect.soft(moved, `${name}: another community's rows updatable`).toBe(0);
      if (["community_members", "payments", "subscriptions", "discord_bot_configs", "audit_log"].includes(name))
        expect.soft(own, `${name}: own rows`).toBeGreaterThan(0);
    }
    await expect(
      inRestored(a.community.id, (tx) =>
        tx.subscriptionTier.create({ data: { communityId: b.community.id, name: "Intruder", price: "1.00", interval: "monthly" } }),
      ),
    ).rejects.toThrow(/row-level security/);
    expect(await restored.subscriptionTier.count()).toBe(0); // no scope, no rows
  });

  it("the restored bot token decrypts with the application's key, and only for its community", async () => {
    const { withCommunity: inRestored } = scopesFor(restored);
    const sealed = await inRestored(a.community.id, (tx) =>
      tx.discordBotConfig.findUniqueOrThrow({ where: { communityId: a.community.id }, select: { botTokenEncrypted: true } }),
    );
    expect(decryptToken(sealed.botTokenEncrypted!, a.community.id, keyRing())).toBe(TOKEN);
    expect(() => decryptToken(sealed.botTokenEncrypted!, b.community.id, keyRing())).toThrow();
  });

  it("refuses to restore over a database that has tables", async () => {
    const target = fresh.ownerUrl("communityos_restored");
    await expect(restoreDatabase({ dumpFile: path.join(dir, "communityos-20260103T000000Z.dump"), targetUrl: target })).rejects.toThrow(BackupError);
    await expect(restoreDatabase({ dumpFile: path.join(dir, "missing.dump"), targetUrl: target })).rejects.toThrow(/No such dump/);
  });
});
