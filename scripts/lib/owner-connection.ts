import pg from "pg";
import { embeddedOwnerUrl } from "../../lib/db/embedded";
import { projectDatabasePort, startProjectDatabase } from "./database-setup";

/**
 * The owner connection for maintenance scripts: DATABASE_URL, or the project's
 * embedded PostgreSQL (the one `npm run dev` is running, or started for the call).
 */
export async function withOwnerConnection<T>(fn: (ownerUrl: string) => Promise<T>): Promise<T> {
  if (process.env.DATABASE_URL) return fn(process.env.DATABASE_URL);
  const url = embeddedOwnerUrl(projectDatabasePort(), "communityos");
  const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  const running = await probe.connect().then(
    () => true,
    () => false,
  );
  await probe.end().catch(() => undefined);
  if (running) return fn(url);
  const server = await startProjectDatabase();
  try {
    return await fn(server.ownerUrl);
  } finally {
    await server.stop();
  }
}
