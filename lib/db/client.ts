import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "../generated/prisma/client";
import { appDatabaseUrl, serverEnv } from "../env";
import { ScopedPgClient } from "./scoped-pg-client";

export type Database = PrismaClient;

// Kept on the client under a registered symbol: Next bundles route handlers and
// pages as separate module graphs, and each must find the pool of the one
// shared client (a module-level map would exist once per graph).
const POOL = Symbol.for("communityos.db.pool");
type WithPool = Database & { [POOL]?: pg.Pool };

/** A Prisma client over a pool of scope-aware pg connections. */
export function createDatabase(connectionString: string, maxConnections: number): Database {
  const pool = new pg.Pool({ connectionString, max: maxConnections, Client: ScopedPgClient, application_name: "communityos" });
  const client: WithPool = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  Object.defineProperty(client, POOL, { value: pool });
  return client;
}

/** The pg pool behind a client made by createDatabase (for scopes.ts's single-statement reads). */
export function poolOf(database: Database): pg.Pool {
  const pool = (database === db ? (sharedDatabase() as WithPool) : (database as WithPool))[POOL];
  if (!pool) throw new Error("not a client made by createDatabase");
  return pool;
}

const globalForDb = globalThis as unknown as { communityosDb?: Database };

function sharedDatabase(): Database {
  if (!globalForDb.communityosDb) {
    const env = serverEnv();
    globalForDb.communityosDb = createDatabase(appDatabaseUrl(env), env.DATABASE_POOL_MAX);
  }
  return globalForDb.communityosDb;
}

/**
 * The application role's client, created on first use (so building the app
 * needs no database). Use it directly only for the global tables (users,
 * communities, Auth.js); tenant tables go through withCommunity/withUser.
 */
export const db: Database = new Proxy({} as Database, {
  get(_target, property) {
    const client = sharedDatabase();
    const value = Reflect.get(client, property, client);
    return typeof value === "function" ? value.bind(client) : value;
  },
});
