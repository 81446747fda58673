import { randomBytes } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres } from "../../lib/db/embedded";
import { migrateDatabase } from "../../lib/db/migrate";
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
 * A fresh, migrated database for one test run: a throw-away embedded
 * PostgreSQL, or a new database on TEST_DATABASE_URL / DATABASE_URL (local
 * only). The application role is unique to the run and dropped afterwards.
 */
export async function provisionTestDatabase(): Promise<TestDatabase> {
  const suffix = randomBytes(4).toString("hex");
  const appRole = `cos_test_app_${suffix}`;
  const given = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  let ownerUrl: string;
  let stopServer = async () => {};

  if (given) {
    assertLocalDatabase(given);
    const database = `communityos_test_${suffix}`;
    await withClient(given, (client) => client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`));
    const url = new URL(given);
    url.pathname = `/${database}`;
    ownerUrl = url.toString();
    stopServer = async () => {
      await withClient(given, (client) => client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)} WITH (FORCE)`));
    };
  } else {
    const dataDir = await mkdtemp(path.join(tmpdir(), "communityos-test-"));
    const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: "communityos_test", persistent: false });
    ownerUrl = server.ownerUrl;
    stopServer = server.stop;
  }

  const appUrl = withCredentials(ownerUrl, appRole, randomBytes(12).toString("hex"));
  await migrateDatabase(ownerUrl, appUrl, () => undefined);
  return {
    ownerUrl,
    appUrl,
    appRole,
    async teardown() {
      if (given) {
        await stopServer();
        await withClient(given, async (client) => {
          await client.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(appRole)}`);
        });
      } else {
        await stopServer();
      }
    },
  };
}
