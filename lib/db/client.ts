import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "../generated/prisma/client";
import { appDatabaseUrl, serverEnv } from "../env";
import { ScopedPgClient } from "./scoped-pg-client";

export function createPool(connectionString: string, max: number): pg.Pool {
  return new pg.Pool({ connectionString, max, Client: ScopedPgClient, application_name: "communityos" });
}

function createClient(): PrismaClient {
  const env = serverEnv();
  const pool = createPool(appDatabaseUrl(env), env.DATABASE_POOL_MAX);
  return new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
}

const globalForDb = globalThis as unknown as { communityosDb?: PrismaClient };

/**
 * The application role's client. Use it directly only for the global tables
 * (users, communities, Auth.js); tenant tables go through withCommunity/withUser.
 */
export const db: PrismaClient = globalForDb.communityosDb ?? createClient();
if (process.env.NODE_ENV !== "production") globalForDb.communityosDb = db;
