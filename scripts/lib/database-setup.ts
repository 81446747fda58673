import path from "node:path";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../../lib/db/embedded";
import { migrateDatabase } from "../../lib/db/migrate";
import { appDatabaseUrl, parseServerEnv, type ServerEnv } from "../../lib/env";

export const PROJECT_ROOT = path.resolve(import.meta.dirname, "../..");

/** Where `npm run dev` keeps its state (.data; COMMUNITYOS_DATA_DIR elsewhere, as the dev benchmark does). */
export const DEV_DATA_DIR = process.env.COMMUNITYOS_DATA_DIR ? path.resolve(process.env.COMMUNITYOS_DATA_DIR) : path.join(PROJECT_ROOT, ".data");
const PROJECT_DATA_DIR = path.join(DEV_DATA_DIR, "postgres");
export const projectDatabasePort = () => Number(process.env.EMBEDDED_PG_PORT ?? 54329);

/** The project's own embedded PostgreSQL (.data/postgres, kept between runs). */
export function startProjectDatabase(): Promise<EmbeddedDatabase> {
  return startEmbeddedPostgres({ dataDir: PROJECT_DATA_DIR, port: projectDatabasePort(), database: "communityos", persistent: true });
}

export type PreparedDatabase = { ownerUrl: string; appUrl: string; embedded: EmbeddedDatabase | null };

/**
 * DATABASE_URL when given; otherwise the project's embedded PostgreSQL in
 * .data/postgres (kept between runs). Either way, migrated.
 */
export async function prepareDevDatabase(env: ServerEnv = parseServerEnv()): Promise<PreparedDatabase> {
  let embedded: EmbeddedDatabase | null = null;
  let ownerUrl = env.DATABASE_URL;
  if (!ownerUrl) {
    console.log(`▸ starting embedded PostgreSQL on 127.0.0.1:${projectDatabasePort()} (data in ${path.relative(PROJECT_ROOT, PROJECT_DATA_DIR)})`);
    embedded = await startProjectDatabase();
    ownerUrl = embedded.ownerUrl;
  }
  const appUrl = appDatabaseUrl({ ...env, DATABASE_URL: ownerUrl });
  console.log("▸ applying migrations");
  await migrateDatabase(ownerUrl, appUrl, (line) => console.log(`  ${line}`));
  return { ownerUrl, appUrl, embedded };
}
