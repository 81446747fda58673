import { randomBytes } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres } from "../../lib/db/embedded";
import { migrateDatabase } from "../../lib/db/migrate";
import { scopedBegin } from "../../lib/db/scope-context";
import { withCredentials } from "../../lib/env";

export type TestDatabase = { ownerUrl: string; appUrl: string; appRole: string; teardown: () => Promise<void> };

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/** Tests create and drop databases and roles: never let them near a remote server. */
export function assertLocalDatabase(url: string): void {
  const host = new URL(url).hostname;
  if (!LOCAL_HOSTS.has(host)) {
    throw new Error(`Refusing to run tests against a non-local database (${host}). Use a PostgreSQL on localhost.`);
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** One connection to `url` for the length of fn. */
export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * fn on an owner's connection inside one community's scope, opened as the app opens it
 * (FORCE ROW LEVEL SECURITY holds a non-superuser owner too); committed if fn succeeds.
 */
export async function inCommunityScope<T>(client: pg.Client, communityId: string, fn: () => Promise<T>): Promise<T> {
  await client.query(scopedBegin({ communityId }));
  try {
    const result = await fn();
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  }
}

export type TestDatabases = { urls: Record<string, { ownerUrl: string; appUrl: string }>; appRole: string; teardown: () => Promise<void> };

/**
 * Fresh, migrated databases for one test run, one per name (e.g. Vitest's and
 * the end-to-end server's, so neither sees the other's leftovers): on a
 * throw-away embedded PostgreSQL, or as new databases on TEST_DATABASE_URL /
 * DATABASE_URL (local only). The application role is unique to the run and
 * dropped afterwards.
 */
/** `statementStats`: the embedded server loads pg_stat_statements (the bench's BENCH_PG_STATS). */
export async function provisionTestDatabases(names: string[], options: { statementStats?: boolean } = {}): Promise<TestDatabases> {
  const suffix = randomBytes(4).toString("hex");
  const appRole = `cos_test_app_${suffix}`;
  const appPassword = randomBytes(12).toString("hex");
  const given = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  let adminUrl: string;
  let stopServer = async () => {};

  if (given) {
    assertLocalDatabase(given);
    adminUrl = given;
  } else {
    const dataDir = await mkdtemp(path.join(tmpdir(), "communityos-test-"));
    const server = await startEmbeddedPostgres({
      dataDir,
      port: await freePort(),
      database: "communityos_test",
      persistent: false,
      ...(options.statementStats
        ? { settings: { shared_preload_libraries: "pg_stat_statements", "pg_stat_statements.track": "all", "pg_stat_statements.track_planning": "on" } }
        : {}),
    });
    adminUrl = server.ownerUrl;
    stopServer = server.stop;
  }

  const created: string[] = [];
  const urls: TestDatabases["urls"] = {};
  for (const name of names) {
    const database = `communityos_test_${suffix}_${name}`;
    await withClient(adminUrl, (client) => client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`));
    created.push(database);
    const url = new URL(adminUrl);
    url.pathname = `/${database}`;
    const ownerUrl = url.toString();
    const appUrl = withCredentials(ownerUrl, appRole, appPassword);
    await migrateDatabase(ownerUrl, appUrl, () => undefined);
    urls[name] = { ownerUrl, appUrl };
  }
  return {
    urls,
    appRole,
    async teardown() {
      if (given) {
        await withClient(given, async (client) => {
          for (const database of created) await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)} WITH (FORCE)`);
          await client.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(appRole)}`);
        });
      }
      await stopServer();
    },
  };
}

/** One fresh database (a bare `vitest run`). */
export async function provisionTestDatabase(options: { statementStats?: boolean } = {}): Promise<TestDatabase> {
  const { urls, appRole, teardown } = await provisionTestDatabases(["unit"], options);
  return { ...urls.unit!, appRole, teardown };
}
