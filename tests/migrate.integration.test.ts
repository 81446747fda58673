import { randomBytes } from "node:crypto";
import pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { applyMigrations, ensureAppRole, readMigrations } from "../lib/db/migrate";
import { assertSafeRuntimeRole, checkRuntimeRole, readRoleFacts } from "../lib/db/runtime-role";
import { withCredentials } from "../lib/env";
import { asOwner, dropTestRole, ownerIsSuperuser } from "./support/fixtures";

const ownerIsSuper = await ownerIsSuperuser();

describe("the migration runner", () => {
  it("keeps Prisma's _prisma_migrations bookkeeping with sha256 checksums", async () => {
    const migrations = await readMigrations();
    expect(migrations.length).toBeGreaterThan(0);
    const rows = await asOwner(
      async (client) =>
        (await client.query(`SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`)).rows,
    );
    expect(rows.map((r) => r.migration_name)).toEqual(migrations.map((m) => m.name));
    for (const [i, row] of rows.entries()) {
      expect(row.checksum).toBe(migrations[i]!.checksum);
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it("is idempotent: a second run applies nothing", async () => {
    const applied = await asOwner(async (client) => applyMigrations(client, await readMigrations(), () => undefined));
    expect(applied).toEqual([]);
  });

  it("refuses a migration that was edited after it was applied", async () => {
    const [first, ...rest] = await readMigrations();
    const edited = { ...first!, checksum: "0".repeat(64) };
    await expect(asOwner((client) => applyMigrations(client, [edited, ...rest], () => undefined))).rejects.toThrow(/changed after it was applied/);
  });

  it("rolls a failing migration back completely and records nothing", async () => {
    const broken = { name: "99999999999999_broken", sql: "CREATE TABLE broken_probe (id int); SELECT 1/0;", checksum: "f".repeat(64) };
    await expect(asOwner(async (client) => applyMigrations(client, [...(await readMigrations()), broken], () => undefined))).rejects.toThrow(/rolled back/);
    const leftovers = await asOwner(async (client) => ({
      table: (await client.query("SELECT to_regclass('broken_probe') AS t")).rows[0].t,
      rows: (await client.query(`SELECT count(*)::int AS n FROM "_prisma_migrations" WHERE migration_name = $1`, [broken.name])).rows[0].n,
    }));
    expect(leftovers).toEqual({ table: null, rows: 0 });
  });
});

describe("the application role", () => {
  it("is created when missing, as a safe login role, and can connect", async () => {
    const role = `cos_probe_${randomBytes(3).toString("hex")}`;
    const url = withCredentials(inject("ownerUrl"), role, "probe-password");
    try {
      await asOwner((client) => ensureAppRole(client, url, () => undefined));
      await asOwner((client) => ensureAppRole(client, url, () => undefined)); // idempotent
      const facts = await checkRuntimeRole(url);
      expect(facts).toMatchObject({ role, superuser: false, bypassRls: false, ownedTables: 0, inAppGroup: true });
    } finally {
      await dropTestRole(role);
    }
  });

  // Only a superuser can grant BYPASSRLS: against a non-superuser owner (a hosted
  // PostgreSQL) the attribute cannot exist, so there is nothing to refuse.
  it.skipIf(!ownerIsSuper)("stops start-up when the runtime role has BYPASSRLS", async () => {
    const role = `cos_bypass_${randomBytes(3).toString("hex")}`;
    const url = withCredentials(inject("ownerUrl"), role, "probe-password");
    try {
      await asOwner((client) => ensureAppRole(client, url, () => undefined));
      await asOwner((client) => client.query(`ALTER ROLE ${pg.escapeIdentifier(role)} BYPASSRLS`));
      await expect(checkRuntimeRole(url)).rejects.toThrow(/has BYPASSRLS.*Row-level security would not isolate/);
    } finally {
      await dropTestRole(role);
    }
  });

  it("stops start-up when the runtime connects as the migration owner", async () => {
    const facts = await asOwner((client) => readRoleFacts(client));
    expect(() => assertSafeRuntimeRole(facts)).toThrow(/superuser|owns \d+ table/);
  });
});
