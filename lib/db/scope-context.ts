import { AsyncLocalStorage } from "node:async_hooks";

/** The tenant a transaction serves. Ids are validated UUIDs (see ids.ts). */
export type Scope = { communityId?: string; userId?: string };

/** A scope as its callback runs in it: with the transaction its queries go to (scoped-transaction.ts). */
export type OpenScope = Scope & { transaction?: import("./scoped-transaction").ScopedTransaction };

// One store per process, like the pooled client it pairs with (client.ts): Next
// bundles route handlers and pages as separate module graphs, and a pool created
// by one must see the scope opened by another.
const globalForScope = globalThis as unknown as { communityosScope?: AsyncLocalStorage<OpenScope> };
export const scopeStorage: AsyncLocalStorage<OpenScope> = (globalForScope.communityosScope ??= new AsyncLocalStorage<OpenScope>());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function literal(id: string | undefined): string {
  if (id === undefined) return "''";
  // Defence in depth: the scope is interpolated, so it must be a bare UUID.
  if (!UUID.test(id)) throw new Error("scope ids must be lower-case UUIDs");
  return `'${id}'`;
}

/**
 * BEGIN plus the transaction-local scope as one simple-protocol message: one
 * round trip instead of two. Both settings are always written, so a value left
 * on a pooled connection can never carry over.
 */
export function scopedBegin(scope: Scope): string {
  // The user scope runs as the role its self-read policies are written for (see the migration).
  const role = scope.userId ? " SET LOCAL ROLE communityos_member_self;" : "";
  return (
    `BEGIN;${role} SELECT ` +
    `set_config('app.current_community_id', ${literal(scope.communityId)}, true), ` +
    `set_config('app.current_user_id', ${literal(scope.userId)}, true)`
  );
}
