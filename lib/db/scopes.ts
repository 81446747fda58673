import { Prisma } from "../generated/prisma/client";
import type pg from "pg";
import { db, poolOf, scopedClientOf, type Database } from "./client";
import { parseId } from "./ids";
import { scopeStorage, scopedBegin, type Scope } from "./scope-context";
import { ScopedTransaction, refuseRolledBack } from "./scoped-transaction";
import { statementName } from "./statement-names";

export type TenantTx = Prisma.TransactionClient;

/**
 * What code that speaks only SQL needs of a transaction: Prisma's raw queries
 * (tagged template or Prisma.Sql). A TenantTx is one; so is sqlInCommunity's
 * plain-pg transaction, which the webhook hot path uses.
 */
export type SqlTx = {
  $queryRaw<T = unknown>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<T>;
  $executeRaw(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<number>;
};

export type ScopeOptions = {
  /** Milliseconds the callback may run; keep network calls out of it (docs/architecture.md, "Pitfalls"). */
  timeout?: number;
  /** Milliseconds to wait for a pooled connection. */
  maxWait?: number;
};

export function scopesFor(database: Database) {
  function runScoped<T>(scope: Scope, fn: (tx: TenantTx) => Promise<T>, options?: ScopeOptions): Promise<T> {
    const scoped = scopedClientOf(database);
    return ScopedTransaction.run(poolOf(database).pool, scope, () => fn(scoped), options);
  }
  return {
    /**
     * One SQL statement in a community's scope, for hot reads and single writes
     * (a webhook's event stored with its job): the same scoped BEGIN as
     * withCommunity, the statement, COMMIT, on one pooled connection of the
     * application role, sent together (the connection is pipelined: one round
     * trip). RLS holds exactly as in withCommunity (the isolation suite runs
     * it); should the scope's settings fail, the statement fails with them, and
     * a failed statement commits nothing.
     */
    async statementInCommunity<T>(communityId: string, query: Prisma.Sql): Promise<T[]> {
      const begin = scopedBegin({ communityId: parseId(communityId, "communityId") });
      const client = await poolOf(database).pool.connect();
      try {
        // Answered in the order sent, so a failed BEGIN is the error reported.
        const [, { rows }] = await Promise.all([
          client.query(begin),
          client.query<T & pg.QueryResultRow>({ text: query.text, values: query.values as unknown[] }),
          client.query("COMMIT"),
        ]);
        client.release();
        return rows;
      } catch (error) {
        // A connection in an unknown state is not given back to the pool.
        client.release(error as Error);
        throw error;
      }
    },
    /**
     * A transaction in a community's scope over plain pg, for the hottest write
     * path (a webhook renewal): the same scoped BEGIN as withCommunity, then
     * raw statements, each a named prepared statement (parsed and planned once
     * per connection; unnamed where DATABASE_NAMED_STATEMENTS is false), without
     * Prisma's per-query work. RLS holds exactly as in
     * withCommunity (the isolation suite runs it). `opening` statements travel
     * in the BEGIN's own message (their values inlined as escaped literals):
     * their rows, in order, are fn's second argument, round trips saved.
     */
    async sqlInCommunity<T>(communityId: string, fn: (tx: SqlTx, opened: Record<string, unknown>[][]) => Promise<T>, opening: Prisma.Sql[] = []): Promise<T> {
      const begin = scopedBegin({ communityId: parseId(communityId, "communityId") });
      const { pool, namedStatements } = poolOf(database);
      const client = await pool.connect();
      const run = async (query: TemplateStringsArray | Prisma.Sql, values: unknown[]) => {
        const sql = query instanceof Prisma.Sql ? query : Prisma.sql(query, ...values);
        return client.query({ name: namedStatements ? statementName(sql.text, { always: true }) : undefined, text: sql.text, values: sql.values as unknown[] });
      };
      let last: Prisma.Sql | null = null;
      const send = (query: TemplateStringsArray | Prisma.Sql, values: unknown[]) => {
        if (last) throw new Error("a statement after the transaction's last write (lastWrite) would run before it");
        return run(query, values);
      };
      const tx: BatchingTx = {
        $queryRaw: async <R>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) => (await send(query, values)).rows as R,
        $executeRaw: async (query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) => (await send(query, values)).rowCount ?? 0,
        [BATCHES]: {
          // One simple-protocol message: one socket write and one wait, whatever the count.
          inOrder: async (statements) => {
            if (last) throw new Error("a statement after the transaction's last write (lastWrite) would run before it");
            if (statements.length < 2) return statements.length ? [(await run(statements[0]!, [])).rows] : [];
            const results = (await client.query(statements.map((sql) => inlined(sql, client)).join(";\n"))) as unknown as pg.QueryResult[];
            return results.map((r) => r.rows as Record<string, unknown>[]);
          },
          lastWrite: (statement) => {
            if (last) throw new Error("a transaction has one last write");
            last = statement;
          },
        },
      };
      try {
        // Prisma's interactive transactions time out; this one bounds each statement instead,
        // so a lock that never comes frees the connection (and Stripe retries the event).
        const started = await client.query([begin, "SET LOCAL statement_timeout = 15000", ...opening.map((sql) => inlined(sql, client))].join("; "));
        const opened = opening.length ? (started as unknown as pg.QueryResult[]).slice(-opening.length).map((r) => r.rows) : [];
        const result = await fn(tx, opened);
        // The last write and the COMMIT in one message: should the write fail, PostgreSQL
        // skips the rest of the message, and the ROLLBACK below ends the transaction.
        refuseRolledBack((await client.query(last ? `${inlined(last, client)};\nCOMMIT` : "COMMIT")) as pg.QueryResult | pg.QueryResult[]);
        client.release();
        return result;
      } catch (error) {
        // Rolled back, and the connection given back only if that worked.
        try {
          await client.query("ROLLBACK");
          client.release();
        } catch (rollbackError) {
          client.release(rollbackError as Error);
        }
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

export const { withCommunity, withUser, statementInCommunity, sqlInCommunity } = scopesFor(db);

const BATCHES = Symbol("batches");
/** sqlInCommunity's transaction: it sends several statements in one message. */
type BatchingTx = SqlTx & {
  [BATCHES]: { inOrder(statements: Prisma.Sql[]): Promise<Record<string, unknown>[][]>; lastWrite(statement: Prisma.Sql): void };
};
const batchesOf = (tx: SqlTx) => (BATCHES in tx ? (tx as BatchingTx)[BATCHES] : null);

/**
 * Statements of one transaction, run in the order given (each sees the writes
 * of those before it), their rows in the same order. sqlInCommunity's
 * transaction sends them together, one round trip; others run them in turn.
 */
export async function inOrder(tx: SqlTx, statements: Prisma.Sql[]): Promise<Record<string, unknown>[][]> {
  const batches = batchesOf(tx);
  if (batches) return batches.inOrder(statements);
  const rows: Record<string, unknown>[][] = [];
  for (const statement of statements) rows.push(await tx.$queryRaw<Record<string, unknown>[]>(statement));
  return rows;
}

/**
 * The transaction's last write, whose result nobody reads: sqlInCommunity's
 * transaction sends it with its COMMIT (one round trip less) and refuses any
 * statement after it; others run it now. Its failure rolls everything back.
 */
export async function lastWrite(tx: SqlTx, statement: Prisma.Sql): Promise<void> {
  const batches = batchesOf(tx);
  if (batches) batches.lastWrite(statement);
  else await tx.$executeRaw(statement);
}

/**
 * A statement with its values written in as literals, for the simple protocol
 * (which takes no parameters): strings through the driver's escaping, dates as
 * ISO strings, numbers and booleans as themselves, arrays of strings as ARRAY[…].
 */
function inlined(sql: Prisma.Sql, client: pg.PoolClient): string {
  return sql.text.replace(/\$(\d+)/g, (_, n: string) => {
    const value = sql.values[Number(n) - 1];
    if (value === null || value === undefined) return "NULL";
    if (typeof value === "number" && Number.isFinite(value)) return String(value);
    if (typeof value === "boolean") return value ? "true" : "false";
    if (value instanceof Date) return client.escapeLiteral(value.toISOString());
    if (typeof value === "string") return client.escapeLiteral(value);
    if (Array.isArray(value) && value.every((item) => typeof item === "string")) {
      return value.length ? `ARRAY[${value.map((item) => client.escapeLiteral(item)).join(", ")}]` : "'{}'";
    }
    throw new Error(`cannot inline a ${typeof value} into SQL`);
  });
}

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

/**
 * A tenant row's unique key, (community_id, id), in the community whose scope
 * this runs in (withCommunity). Tenant tables are keyed by community so they can
 * be distributed by it (docs/scaling.md); RLS already limits a read to the scope.
 */
export function rowKey(id: string): { communityId_id: { communityId: string; id: string } } {
  const communityId = scopeStorage.getStore()?.communityId;
  if (!communityId) throw new Error("a row is found by its key only in a community's scope (withCommunity)");
  return { communityId_id: { communityId, id } };
}
