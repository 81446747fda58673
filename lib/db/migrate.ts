import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";

const MIGRATIONS_DIR = path.resolve(import.meta.dirname, "../../prisma/migrations");
// Any constant shared by every runner: concurrent deploys queue instead of racing.
const ADVISORY_LOCK_KEY = 727_274_001;

// Prisma's own bookkeeping table, so `prisma migrate deploy` agrees where its engine exists.
const BOOKKEEPING_DDL = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export type Migration = { name: string; sql: string; checksum: string };

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

export class MigrationError extends Error {
  override name = "MigrationError";
}

type Applied = { migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null };

/** Applies pending migrations, each in its own transaction; returns the names applied. */
export async function applyMigrations(client: pg.ClientBase, migrations: Migration[], log = console.log): Promise<string[]> {
  await client.query("SELECT pg_advisory_lock($1)", [ADVISORY_LOCK_KEY]);
  try {
    await client.query(BOOKKEEPING_DDL);
    const { rows } = await client.query<Applied>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
    );
    const applied = new Map(rows.map((r) => [r.migration_name, r]));
    const done: string[] = [];
    for (const migration of migrations) {
      const previous = applied.get(migration.name);
      if (previous?.finished_at) {
        if (previous.checksum !== migration.checksum) {
          throw new MigrationError(`Migration ${migration.name} was changed after it was applied. Add a new migration instead of editing an applied one.`);
        }
        continue;
      }
      if (previous) {
        throw new MigrationError(`Migration ${migration.name} failed earlier and needs attention before migrating again.`);
      }
      await applyOne(client, migration);
      log(`applied migration ${migration.name}`);
      done.push(migration.name);
    }
    return done;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [ADVISORY_LOCK_KEY]);
  }
}

async function applyOne(client: pg.ClientBase, migration: Migration): Promise<void> {
  const id = randomUUID();
  await client.query("BEGIN");
  try {
    await client.query(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())`, [
      id,
      migration.checksum,
      migration.name,
    ]);
    await client.query(migration.sql);
    await client.query(`UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`, [id]);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw new MigrationError(`Migration ${migration.name} failed and was rolled back: ${(error as Error).message}`);
  }
}

/**
 * Creates the application login role if it is missing and grants it the
 * runtime privileges (held by the communityos_app group role the migrations create).
 */
export async function ensureAppRole(client: pg.ClientBase, appDatabaseUrl: string, log = console.log): Promise<string> {
  const url = new URL(appDatabaseUrl);
  const role = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  if (!role) throw new MigrationError("APP_DATABASE_URL must name the application role (user).");
  const ident = pg.escapeIdentifier(role);
  const { rowCount } = await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role]);
  if (!rowCount) {
    if (!password) throw new MigrationError(`APP_DATABASE_URL must carry a password to create the role "${role}".`);
    await client.query(`CREATE ROLE ${ident} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE INHERIT PASSWORD ${pg.escapeLiteral(password)}`);
    log(`created application role ${role}`);
  }
  await client.query(`GRANT communityos_app TO ${ident}`);
  const { rows } = await client.query<{ db: string }>("SELECT current_database() AS db");
  await client.query(`GRANT CONNECT ON DATABASE ${pg.escapeIdentifier(rows[0]!.db)} TO ${ident}`);
  return role;
}

/**
 * The job queue's schema (graphile-worker), installed by the owner so the
 * runtime role never needs DDL: it gets only what running jobs takes.
 */
export async function installJobQueue(client: pg.ClientBase, ownerUrl: string): Promise<void> {
  const { runMigrations, Logger } = await import("graphile-worker");
  await runMigrations({ connectionString: ownerUrl, logger: new Logger(() => () => undefined) });
  await client.query(`
    GRANT USAGE ON SCHEMA graphile_worker TO communityos_app;
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA graphile_worker TO communityos_app;
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA graphile_worker TO communityos_app;
    GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA graphile_worker TO communityos_app;
    -- graphile-worker turns RLS on for its tables (no policy: owner only). The queue
    -- is the platform's, not a tenant's: the runtime may work all of it.
    DO $$
    DECLARE t record;
    BEGIN
      FOR t IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'graphile_worker' AND c.relkind IN ('r', 'p') AND c.relrowsecurity LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_policies WHERE schemaname = 'graphile_worker' AND tablename = t.relname AND policyname = 'communityos_runtime') THEN
          EXECUTE format('CREATE POLICY communityos_runtime ON graphile_worker.%I FOR ALL TO communityos_app USING (true) WITH CHECK (true)', t.relname);
        END IF;
      END LOOP;
    END
    $$;`);
}

/** Everything `npm run db:migrate` does, given the owner's connection. */
export async function migrateDatabase(ownerUrl: string, appUrl: string, log = console.log): Promise<void> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await applyMigrations(client, await readMigrations(), log);
    await ensureAppRole(client, appUrl, log);
    await installJobQueue(client, ownerUrl);
    // Months ahead for analytics; the scheduled job calls the same function.
    await client.query("SELECT ensure_analytics_partitions(date_trunc('month', now())::date, 3)");
  } finally {
    await client.end();
  }
}
