import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "../generated/prisma/client";
import { appDatabaseUrl, serverEnv } from "../env";
import { log } from "../observability/log";
import { PipelinedPgClient } from "./pipelined-pg-client";
import { createScopedClient } from "./scoped-transaction";
import { prismaStatementNames } from "./statement-names";

export type Database = PrismaClient;

// Kept on the client under a registered symbol: Next bundles route handlers and
// pages as separate module graphs, and each must find the pool of the one
// shared client (a module-level map would exist once per graph).
const POOL = Symbol.for("communityos.db.pool");
type PoolOptions = { namedStatements: boolean };
type WithPool = Database & { [POOL]?: { pool: pg.Pool; scoped?: Database } & PoolOptions };

/**
 * A Prisma client over a pool of scope-aware pg connections. `namedStatements`:
 * whether the plain-pg paths (scopes.ts) may prepare named statements; not
 * through a pooler that forgets them between transactions.
 */
export function createDatabase(connectionString: string, maxConnections: number, options: PoolOptions = { namedStatements: true }): Database {
  const pool = new pg.Pool({ connectionString, max: maxConnections, Client: PipelinedPgClient, application_name: "communityos" });
  // An idle connection dropped (a database restart, a pooler going away) must not take the process
  // down; Prisma's adapter listens too, but only once Prisma has run a query on this pool.
  pool.on("error", (err) => log.warn({ err, scope: "db" }, "idle database connection lost"));
  const client: WithPool = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true, ...prismaStatementNames(options.namedStatements) }) });
  Object.defineProperty(client, POOL, { value: { pool, ...options } });
  return client;
}

/** The pg pool behind a client made by createDatabase, and how it may be used (for scopes.ts's plain-pg paths). */
export function poolOf(database: Database): { pool: pg.Pool } & PoolOptions {
  const found = (database === db ? (sharedDatabase() as WithPool) : (database as WithPool))[POOL];
  if (!found) throw new Error("not a client made by createDatabase");
  return found;
}

/**
 * The Prisma client whose queries run in the scoped transactions on a
 * database's pool (withCommunity/withUser). Made on first use: the plain-pg
 * paths and a process that never opens a scope need none.
 */
export function scopedClientOf(database: Database): Database {
  const found = poolOf(database) as { scoped?: Database } & PoolOptions;
  return (found.scoped ??= createScopedClient(found.namedStatements));
}

const globalForDb = globalThis as unknown as { communityosDb?: Database };

function sharedDatabase(): Database {
  if (!globalForDb.communityosDb) {
    const env = serverEnv();
    globalForDb.communityosDb = createDatabase(appDatabaseUrl(env), env.DATABASE_POOL_MAX, { namedStatements: env.DATABASE_NAMED_STATEMENTS });
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
