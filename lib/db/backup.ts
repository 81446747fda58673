// Logical backups with PostgreSQL's own tools: pg_dump's custom format for the
// database (schema, data, RLS policies, the job queue) and pg_dumpall's roles
// for what a fresh server needs before a restore (the application roles and
// their password hashes). Passwords travel in PGPASSWORD, never on a command line.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";

const run = promisify(execFile);
const PROJECT_TOOLS = path.resolve(import.meta.dirname, "../../.tools/postgresql/bin");

export class BackupError extends Error {
  override name = "BackupError";
}

/** A PostgreSQL program: PG_BIN_DIR, then the project's build (scripts/pg-tools/build.sh), then PATH. */
export function pgTool(name: "pg_dump" | "pg_dumpall" | "pg_restore"): string {
  for (const dir of [process.env.PG_BIN_DIR, PROJECT_TOOLS]) {
    if (dir && existsSync(path.join(dir, name))) return path.join(dir, name);
  }
  return name;
}

/** The URL without its password, and the environment that carries it. */
function connection(url: string) {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = "";
  return { url: u.toString(), env: { ...process.env, PGPASSWORD: password, PGCONNECT_TIMEOUT: "10" } };
}

async function majorOf(program: string): Promise<number> {
  const { stdout } = await run(program, ["--version"]).catch(() => {
    throw new BackupError(`${program} was not found. Run \`bash scripts/pg-tools/build.sh\` (PostgreSQL 18 client tools) or set PG_BIN_DIR.`);
  });
  return Number(/\s(\d+)(?:\.\d+)?/.exec(stdout)?.[1] ?? 0);
}

async function serverMajor(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string }>("SHOW server_version_num");
    return Math.floor(Number(rows[0]!.v) / 10000);
  } finally {
    await client.end();
  }
}

/** pg_dump refuses a newer server; say so before it does, with the fix. */
async function assertToolsFit(program: string, url: string) {
  const [tool, server] = await Promise.all([majorOf(program), serverMajor(url)]);
  if (tool < server) {
    throw new BackupError(
      `${program} is PostgreSQL ${tool} but the server is ${server}. Run \`bash scripts/pg-tools/build.sh\` or set PG_BIN_DIR to PostgreSQL ${server}+ client tools.`,
    );
  }
}

const STAMP = /^communityos-(\d{8}T\d{6}Z)\.dump$/;

export type BackupResult = { dumpFile: string; globalsFile: string | null; removed: string[] };

/**
 * Writes backups/communityos-<UTC stamp>.dump (+ -globals.sql) and keeps the
 * newest `keep` of them. Roles need a superuser to read their password hashes;
 * on a managed server that refuses, roles are dumped without passwords.
 */
export async function backupDatabase(options: { ownerUrl: string; dir: string; keep: number; now?: Date }): Promise<BackupResult> {
  const pgDump = pgTool("pg_dump");
  await assertToolsFit(pgDump, options.ownerUrl);
  await mkdir(options.dir, { recursive: true });
  const stamp = (options.now ?? new Date())
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  const dumpFile = path.join(options.dir, `communityos-${stamp}.dump`);
  const globalsFile = path.join(options.dir, `communityos-${stamp}-globals.sql`);
  const { url, env } = connection(options.ownerUrl);

  await run(pgDump, ["--format=custom", "--compress=6", "--no-password", `--file=${dumpFile}`, `--dbname=${url}`], { env, maxBuffer: 16 << 20 }).catch(
    (error: Error & { stderr?: string }) => {
      throw new BackupError(`pg_dump failed: ${error.stderr?.trim() || error.message}`);
    },
  );
  let globals: string | null = globalsFile;
  const dumpall = pgTool("pg_dumpall");
  const roles = (extra: string[]) => run(dumpall, ["--roles-only", "--no-password", ...extra, `--file=${globalsFile}`, `--dbname=${url}`], { env });
  await roles([])
    .catch(() => roles(["--no-role-passwords"]))
    .catch(() => {
      globals = null;
    });

  const removed: string[] = [];
  const dumps = (await readdir(options.dir))
    .filter((f) => STAMP.test(f))
    .sort()
    .reverse();
  for (const old of dumps.slice(Math.max(options.keep, 1))) {
    const base = old.replace(/\.dump$/, "");
    await rm(path.join(options.dir, old), { force: true });
    await rm(path.join(options.dir, `${base}-globals.sql`), { force: true });
    removed.push(old);
  }
  return { dumpFile, globalsFile: globals, removed };
}

/** The newest dump in a folder, for `db:restore` without an argument. */
export async function latestBackup(dir: string): Promise<string | null> {
  const dumps = (await readdir(dir).catch(() => [] as string[])).filter((f) => STAMP.test(f)).sort();
  return dumps.length ? path.join(dir, dumps.at(-1)!) : null;
}

/** Creates the roles of a globals file that the server lacks; roles it has are left as they are. */
async function applyGlobals(client: pg.Client, sql: string) {
  const { rows } = await client.query<{ rolname: string }>("SELECT rolname FROM pg_roles");
  const existing = new Set(rows.map((r) => r.rolname));
  const statements = sql.split("\n").filter((line) => /^(CREATE ROLE|ALTER ROLE|GRANT) /.test(line));
  const created = new Set<string>();
  for (const statement of statements) {
    const role = /^(?:CREATE|ALTER) ROLE ("?)([^";\s]+)\1/.exec(statement)?.[2];
    if (role && existing.has(role)) continue;
    if (statement.startsWith("CREATE ROLE") && role) created.add(role);
    // Memberships only among roles this restore created: never widen an existing role.
    if (statement.startsWith("GRANT ")) {
      const names = [...statement.matchAll(/"?([a-z0-9_]+)"?/gi)].map((m) => m[1]!);
      if (!names.some((n) => created.has(n))) continue;
    }
    await client.query(statement).catch((error: Error & { code?: string }) => {
      if (error.code !== "42710") throw error; // duplicate_object
    });
  }
  return [...created];
}

/**
 * Restores a dump into `targetUrl`'s database, creating the database (and, from
 * the globals file, the roles) when the server lacks them. Refuses a database
 * that already has tables, unless `clean` (which drops what the dump holds).
 */
export async function restoreDatabase(options: { dumpFile: string; targetUrl: string; globalsFile?: string | null; clean?: boolean }) {
  const pgRestore = pgTool("pg_restore");
  if (!existsSync(options.dumpFile)) throw new BackupError(`No such dump: ${options.dumpFile}`);
  const target = new URL(options.targetUrl);
  const database = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(options.targetUrl);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  let createdRoles: string[] = [];
  try {
    const globals = options.globalsFile ?? options.dumpFile.replace(/\.dump$/, "-globals.sql");
    if (existsSync(globals)) createdRoles = await applyGlobals(client, await readFile(globals, "utf8"));
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (!rowCount) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
  await assertToolsFit(pgRestore, options.targetUrl);
  if (!options.clean) {
    const probe = new pg.Client({ connectionString: options.targetUrl });
    await probe.connect();
    const { rows } = await probe.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'").finally(() => probe.end());
    if (rows[0]!.n > 0) throw new BackupError(`The database "${database}" is not empty. Restore into a new database, or pass --clean to replace its contents.`);
  }
  const { url, env } = connection(options.targetUrl);
  const args = ["--no-password", "--exit-on-error", "--single-transaction", `--dbname=${url}`];
  if (options.clean) args.push("--clean", "--if-exists");
  await run(pgRestore, [...args, options.dumpFile], { env, maxBuffer: 16 << 20 }).catch((error: Error & { stderr?: string }) => {
    throw new BackupError(`pg_restore failed: ${error.stderr?.trim() || error.message}`);
  });
  return { database, createdRoles };
}
