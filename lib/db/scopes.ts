import type { Prisma } from "../generated/prisma/client";
import { db, type Database } from "./client";
import { parseId } from "./ids";
import { scopeStorage, type Scope } from "./scope-context";

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

export const { withCommunity, withUser } = scopesFor(db);
