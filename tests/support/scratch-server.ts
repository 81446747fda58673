// A PostgreSQL server of a test's own, for what must not touch the shared test
// database: restoring into a fresh server, stopping it mid-burst, TLS settings.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { embeddedOwnerUrl, startEmbeddedPostgres, type EmbeddedDatabase } from "../../lib/db/embedded";
import { freePort } from "./test-database";

export type ScratchServer = {
  dataDir: string;
  port: number;
  /** The superuser's URL for a database on this server. */
  ownerUrl: (database: string) => string;
  /** The same credentials as `url` (e.g. the app role, restored from a dump), on this server's `database`. */
  moved: (url: string, database: string) => string;
  stop: () => Promise<void>;
  /** Starts it again on the same data and port, with other settings if given. */
  start: (settings?: Record<string, string>) => Promise<void>;
  dispose: () => Promise<void>;
};

export async function startScratchServer(): Promise<ScratchServer> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "communityos-scratch-"));
  const port = await freePort();
  let server: EmbeddedDatabase | null = null;
  const moved = (url: string, database: string) => {
    const u = new URL(url);
    u.host = `127.0.0.1:${port}`;
    u.pathname = `/${database}`;
    return u.toString();
  };
  const scratch: ScratchServer = {
    dataDir,
    port,
    ownerUrl: (database) => embeddedOwnerUrl(port, database),
    moved,
    stop: async () => {
      await server?.stop();
      server = null;
    },
    start: async (settings) => {
      server = await startEmbeddedPostgres({ dataDir, port, database: "postgres", persistent: true, settings });
    },
    dispose: async () => {
      await scratch.stop().catch(() => undefined);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  await scratch.start();
  return scratch;
}
