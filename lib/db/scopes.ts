import { createHash } from "node:crypto";
import { Prisma } from "../generated/prisma/client";
import type pg from "pg";
import { db, poolOf, type Database } from "./client";
import { parseId } from "./ids";
import { scopeStorage, scopedBegin, type Scope } from "./scope-context";

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
      const client = await poolOf(database).pool.connect();
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
     * A transaction in a community's scope over plain pg, for the hottest write
     * path (a webhook renewal): the same scoped BEGIN as withCommunity, then
     * raw statements, each prepared (parsed and planned once per connection;
     * planned every time where DATABASE_NAMED_STATEMENTS is false), without
     * Prisma's per-query work. RLS holds exactly as in withCommunity (the
     * isolation suite runs it). `opening` statements travel in the BEGIN's own
     * message (messageOn): their rows, in order, are fn's second argument,
     * round trips saved.
     */
    async sqlInCommunity<T>(communityId: string, fn: (tx: SqlTx, opened: Record<string, unknown>[][]) => Promise<T>, opening: Prisma.Sql[] = []): Promise<T> {
      const begin = scopedBegin({ communityId: parseId(communityId, "communityId") });
      const { pool, namedStatements } = poolOf(database);
      const client = await pool.connect();
      const run = async (query: TemplateStringsArray | Prisma.Sql, values: unknown[]) => {
        const sql = query instanceof Prisma.Sql ? query : Prisma.sql(query, ...values);
        return client.query({ name: namedStatements ? statementName(sql.text) : undefined, text: sql.text, values: sql.values as unknown[] });
      };
      let last: Prisma.Sql | null = null;
      const send = (query: TemplateStringsArray | Prisma.Sql, values: unknown[]) => {
        if (last) throw new Error("a statement after the transaction's last write (lastWrite) would run before it");
        return run(query, values);
      };
      const message = messageOn(client, namedStatements);
      const tx: BatchingTx = {
        $queryRaw: async <R>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) => (await send(query, values)).rows as R,
        $executeRaw: async (query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) => (await send(query, values)).rowCount ?? 0,
        [BATCHES]: {
          // One simple-protocol message: one socket write and one wait, whatever the count.
          inOrder: async (statements) => {
            if (last) throw new Error("a statement after the transaction's last write (lastWrite) would run before it");
            if (statements.length < 2) return statements.length ? [(await run(statements[0]!, [])).rows] : [];
            return (await message.send([], statements)).map((r) => r.rows as Record<string, unknown>[]);
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
        const started = await message.send([begin, "SET LOCAL statement_timeout = 15000"], opening);
        const opened = opening.length ? started.slice(-opening.length).map((r) => r.rows) : [];
        const result = await fn(tx, opened);
        // The last write and the COMMIT in one message: should the write fail, PostgreSQL
        // skips the rest of the message, and the ROLLBACK below ends the transaction.
        if (last) await message.send([], [last], ["COMMIT"]);
        else await client.query("COMMIT");
        client.release();
        return result;
      } catch (error) {
        // Rolled back, and the connection given back only if that worked and it is
        // known which statements it has prepared.
        try {
          await client.query("ROLLBACK");
          if (message.uncertain) throw error;
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

export const { withCommunity, withUser, readInCommunity, sqlInCommunity } = scopesFor(db);

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
  return sql.text.replace(/\$(\d+)/g, (_, n: string) => literal(sql.values[Number(n) - 1], client, "inline"));
}

/**
 * A value as an SQL literal. An array of strings is ARRAY[…] written into a
 * statement, and an array literal ('{…}', of no type yet) as an EXECUTE's
 * argument, so that it takes the parameter's array type (an enum's, say).
 */
function literal(value: unknown, client: pg.PoolClient, use: "inline" | "argument"): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (value instanceof Date) return client.escapeLiteral(value.toISOString());
  if (typeof value === "string") return client.escapeLiteral(value);
  if (Array.isArray(value) && value.every((item) => typeof item === "string")) {
    if (use === "argument") return client.escapeLiteral(`{${value.map((item) => `"${item.replace(/[\\"]/g, "\\$&")}"`).join(",")}}`);
    return value.length ? `ARRAY[${value.map((item) => client.escapeLiteral(item)).join(", ")}]` : "'{}'";
  }
  throw new Error(`cannot inline a ${typeof value} into SQL`);
}

/** A prepared statement's name from its text: the same SQL shares one plan per connection. */
const statementNames = new Map<string, string>();
function statementName(text: string, prefix = "cos_"): string {
  let name = statementNames.get(prefix + text);
  if (!name) {
    name = `${prefix}${createHash("sha1").update(text).digest("hex").slice(0, 20)}`;
    if (statementNames.size < 2000) statementNames.set(prefix + text, name);
  }
  return name;
}

/** The statements each connection has PREPAREd (not transactional: they outlive a rollback). */
const preparedByConnection = new WeakMap<pg.PoolClient, Set<string>>();
// Statements built with a varying number of values would each be a new text: past this many a
// connection plans the rest each time rather than keep an ever-growing set in its backend.
const MAX_PREPARED_PER_CONNECTION = 100;

/**
 * sqlInCommunity's multi-statement messages (simple protocol). Planning its
 * statements (RLS on every table they read) cost PostgreSQL about as much as
 * running them, and the simple protocol plans every time: with named statements
 * on, each statement is PREPAREd once per connection, in the message that first
 * needs it, and EXECUTEd with its values as literals, so its plan is cached and
 * the round trips stay as they were. A failed message leaves unknown which of its
 * PREPAREs ran: `uncertain`, and the connection is not given back to the pool.
 */
function messageOn(client: pg.PoolClient, namedStatements: boolean) {
  const prepared = namedStatements ? (preparedByConnection.get(client) ?? new Set<string>()) : null;
  if (prepared) preparedByConnection.set(client, prepared);
  const state = {
    uncertain: false,
    /** `before` and `after` sent as they are, `statements` prepared where they can be; the statements' results (and theirs), in order. */
    async send(before: string[], statements: Prisma.Sql[], after: string[] = []): Promise<pg.QueryResult[]> {
      if (!prepared) {
        const results = await client.query([...before, ...statements.map((sql) => inlined(sql, client)), ...after].join(";\n"));
        return [results as unknown as pg.QueryResult | pg.QueryResult[]].flat();
      }
      const preparing = new Map<string, string>();
      const executes = statements.map((sql) => {
        const name = statementName(sql.text, "cosp_");
        if (!prepared.has(name) && !preparing.has(name)) {
          if (prepared.size + preparing.size >= MAX_PREPARED_PER_CONNECTION) return inlined(sql, client);
          preparing.set(name, `PREPARE ${name} AS ${sql.text}`);
        }
        return sql.values.length ? `EXECUTE ${name}(${sql.values.map((value) => literal(value, client, "argument")).join(", ")})` : `EXECUTE ${name}`;
      });
      try {
        const results = await client.query([...preparing.values(), ...before, ...executes, ...after].join(";\n"));
        for (const name of preparing.keys()) prepared.add(name);
        return [results as unknown as pg.QueryResult | pg.QueryResult[]].flat().slice(preparing.size);
      } catch (error) {
        if (preparing.size) state.uncertain = true;
        throw error;
      }
    },
  };
  return state;
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
