import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres } from "../../lib/db/embedded";
import { PROJECT_ROOT } from "./database-setup";

/**
 * The owner connection for maintenance scripts: DATABASE_URL, or the project's
 * embedded PostgreSQL (the one `npm run dev` is running, or started for the call).
 */
export async function withOwnerConnection<T>(fn: (ownerUrl: string) => Promise<T>): Promise<T> {
  if (process.env.DATABASE_URL) return fn(process.env.DATABASE_URL);
  const port = Number(process.env.EMBEDDED_PG_PORT ?? 54329);
  const url = `postgresql://postgres:postgres@127.0.0.1:${port}/communityos`;
  const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  const running = await probe.connect().then(() => true, () => false);
  await probe.end().catch(() => undefined);
  if (running) return fn(url);
  const server = await startEmbeddedPostgres({ dataDir: path.join(PROJECT_ROOT, ".data/postgres"), port, database: "communityos", persistent: true });
  try {
    return await fn(server.ownerUrl);
  } finally {
    await server.stop();
  }
}
