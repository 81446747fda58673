import type { Prisma } from "../generated/prisma/client";
import type pg from "pg";
import { db, poolOf, type Database } from "./client";
import { parseId } from "./ids";
import { scopeStorage, scopedBegin, type Scope } from "./scope-context";

export type TenantTx = Prisma.TransactionClient;

export type ScopeOptions = {
  /** Milliseconds the callback may run; keep network calls out of it (PITFALLS.md). */
  timeout?: number;
  /** Milliseconds to wait for a pooled connection. */
  maxWait?: number;
};

export function scopesFor(database: Database) {
  function runScoped<T>(scope: Scope, fn: (tx: TenantTx) => Promise<T>, options?: ScopeOptions): Promise<T> {
    return scopeStorage.run(scope, () => database.$transaction(fn, options));
  }
  return {
    /**
     * One SQL statement in a community's scope, for hot reads: the same scoped
     * BEGIN as withCommunity, the statement, COMMIT, on one pooled connection of
     * the application role, without Prisma's interactive transaction around it.
     * RLS holds exactly as in withCommunity (the isolation suite runs it).
     */
    async readInCommunity<T>(communityId: string, query: Prisma.Sql): Promise<T[]> {
      const begin = scopedBegin({ communityId: parseId(communityId, "communityId") });
      const client = await poolOf(database).connect();
      try {
        await client.query(begin);
        const { rows } = await client.query<T & pg.QueryResultRow>({ text: query.text, values: query.values as unknown[] });
        await client.query("COMMIT");
        client.release();
        return rows;
      } catch (error) {
        // A connection in an unknown state is not given back to the pool.
        client.release(error as Error);
        throw error;
      }
    },
    /**
     * Runs fn in one transaction scoped to a community: RLS lets it read and
     * write that community's rows and nothing else. Check who may enter first.
     */
    async withCommunity<T>(communityId: string, fn: (tx: TenantTx) => Promise<T>, options?: ScopeOptions): Promise<T> {
      return runScoped({ communityId: parseId(communityId, "communityId") }, fn, options);
    },
    /** Runs fn scoped to one user: their memberships, subscriptions and payments across communities, read-only. */
    async withUser<T>(userId: string, fn: (tx: TenantTx) => Promise<T>, options?: ScopeOptions): Promise<T> {
      return runScoped({ userId: parseId(userId, "userId") }, fn, options);
    },
  };
}

export const { withCommunity, withUser, readInCommunity } = scopesFor(db);

/**
 * Several reads in one scoped transaction, one after another. A transaction is
 * one connection, which answers one query at a time: Promise.all would queue
 * them anyway (and node-postgres warns about it), so say so.
 */
export async function inTurn<T extends readonly unknown[]>(...reads: { [K in keyof T]: () => Promise<T[K]> }): Promise<T> {
  const results: unknown[] = [];
  for (const read of reads) results.push(await read());
  return results as unknown as T;
}
