import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "../generated/prisma/client";
import { scopeStorage, scopedBegin, type Scope } from "./scope-context";
import { prismaStatementNames } from "./statement-names";

/** Prisma's own defaults for an interactive transaction, which withCommunity keeps. */
const DEFAULT_MAX_WAIT_MS = 2_000;
const DEFAULT_TIMEOUT_MS = 5_000;

type QueryConfig = { text: string; values?: unknown[] } & Record<string, unknown>;
type SavepointConnection = {
  query(config: QueryConfig): Promise<pg.QueryResult>;
  on(): SavepointConnection;
  removeListener(): SavepointConnection;
  release(): void;
};

/**
 * One scoped transaction on one pooled connection of the application role:
 * the scoped BEGIN (scope-context.ts), the caller's statements, COMMIT. It is
 * what withCommunity and withUser run in, in place of Prisma's interactive
 * transaction, whose own bookkeeping cost more than the read it wraps (the
 * README's benchmark).
 *
 * The BEGIN travels with the first statement, in one write, and statements
 * are not held back for its answer: the connection is pipelined
 * (pipelined-pg-client.ts), a round trip saved. PostgreSQL runs them in
 * order, so a statement runs inside the scoped transaction; should the
 * scope's settings fail after BEGIN, the transaction is aborted and the
 * statements behind fail with it. Either way the caller sees the BEGIN's
 * error, not the statement's. A callback that runs no statement costs no
 * round trip. A transaction that outlives its timeout is rolled back and
 * refuses further statements, as Prisma's would.
 *
 * A callback that hands back one unawaited query (`(tx) => tx.x.findMany()`:
 * Prisma's queries are lazy, so it has run nothing yet and can run nothing
 * more) is done once that query is: if the query's first statement is a
 * read, the COMMIT travels in the same write, one round trip in all. Should
 * the query need more statements (an include's relations, read with the
 * parents' ids), they run in a second transaction of the same scope. Reads
 * see nothing different: under READ COMMITTED each statement takes its own
 * snapshot either way, and nothing was written before.
 */
export class ScopedTransaction {
  private closed: Error | null = null;
  private savepointTurn: Promise<void> = Promise.resolve();
  /** The scoped BEGIN's answer while a transaction is open on the connection (sent with its first statement). */
  private opened: Promise<unknown> | null = null;
  /** The callback is done but for the one query it handed back: its first read may carry the COMMIT. */
  private lastQueryPending = false;
  /** The answer of a COMMIT sent with the callback's last read. */
  private committedWithRead: Promise<pg.QueryResult> | null = null;

  private constructor(
    private readonly connection: pg.PoolClient,
    private readonly begin: string,
  ) {}

  /** Runs fn in a transaction in this scope, on a connection of the pool, and commits if fn succeeds. */
  static async run<T>(pool: pg.Pool, scope: Scope, fn: () => Promise<T>, options: { timeout?: number; maxWait?: number } = {}): Promise<T> {
    const connection = await connectWithin(pool, options.maxWait ?? DEFAULT_MAX_WAIT_MS);
    const transaction = new ScopedTransaction(connection, scopedBegin(scope));
    const timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
    const timer = setTimeout(() => transaction.expire(timeout), timeout);
    try {
      // Awaited inside the scope: Prisma's queries are lazy and run when awaited.
      const result = await scopeStorage.run({ ...scope, transaction }, () => transaction.awaitCallback(fn));
      transaction.refuseIfClosed();
      await transaction.commit();
      connection.release();
      return result;
    } catch (error) {
      await transaction.rollBack();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private async awaitCallback<T>(fn: () => Promise<T>): Promise<T> {
    const returned = fn();
    // Prisma's own mark (its PrismaPromise type): not an async callback still running, which returns a native promise.
    this.lastQueryPending = !this.opened && (returned as { [Symbol.toStringTag]?: string })?.[Symbol.toStringTag] === "PrismaPromise";
    return await returned;
  }

  /** A statement of this transaction, sent at once; its answer counts only once the scoped BEGIN has succeeded. */
  query(config: QueryConfig): Promise<pg.QueryResult> {
    if (this.closed) return Promise.reject(this.closed);
    const [opened, answer] = this.opened ? [this.opened, this.connection.query(config)] : this.openWith(config);
    // Heard here should the BEGIN fail first; the caller then gets the BEGIN's error.
    answer.catch(() => undefined);
    return opened.then(() => answer);
  }

  /** The BEGIN and the first statement (and the COMMIT, after the callback's last read), in one write to the connection. */
  private openWith(config: QueryConfig): [opened: Promise<unknown>, answer: Promise<pg.QueryResult>] {
    const commitsToo = this.lastQueryPending && READ.test(config.text);
    this.lastQueryPending = false;
    const stream = (this.connection as unknown as { connection?: { stream?: { cork?(): void; uncork?(): void } } }).connection?.stream;
    stream?.cork?.();
    try {
      const opened = this.connection.query(this.begin);
      opened.catch(() => undefined);
      const answer = this.connection.query(config);
      if (commitsToo) {
        const commit = this.connection.query("COMMIT");
        this.committedWithRead = opened.then(() => commit);
        this.committedWithRead.catch(() => undefined);
        // Closed on the wire: a further statement opens another transaction.
      } else {
        this.opened = opened;
      }
      return [opened, answer];
    } finally {
      stream?.uncork?.();
    }
  }

  private async commit(): Promise<void> {
    if (this.committedWithRead) refuseRolledBack(await this.committedWithRead);
    // A callback that ran no statement (or only a read sent with its COMMIT) has no transaction open.
    if (!this.opened) return void (this.closed = new Error("this transaction has ended"));
    await this.opened;
    this.closed = new Error("this transaction has committed");
    refuseRolledBack(await this.connection.query("COMMIT"));
  }

  /**
   * Prisma runs a write of several statements (a nested create, an upsert) in
   * a transaction of its own; inside ours that is a savepoint, one at a time.
   * It is handed something shaped like a pooled pg connection.
   */
  async savepoint(): Promise<SavepointConnection> {
    const previous = this.savepointTurn;
    let done!: () => void;
    this.savepointTurn = new Promise<void>((resolve) => (done = resolve));
    await previous;
    const savepoint: SavepointConnection = {
      query: (config) => this.query({ ...config, text: SAVEPOINT_STATEMENTS[config.text] ?? config.text }),
      on: () => savepoint,
      removeListener: () => savepoint,
      release: done,
    };
    return savepoint;
  }

  private refuseIfClosed(): void {
    if (this.closed) throw this.closed;
  }

  private expire(timeout: number): void {
    if (this.closed) return;
    this.closed = new Error(`the scoped transaction passed its ${timeout} ms timeout and was rolled back`);
    // Queued behind any statement still running; frees the row locks without waiting for the caller.
    if (this.opened) this.connection.query("ROLLBACK").catch(() => undefined);
  }

  /** Rolled back, and the connection given back only if that worked. */
  private async rollBack(): Promise<void> {
    this.closed ??= new Error("this transaction has rolled back");
    if (!this.opened && !this.committedWithRead) return this.connection.release();
    try {
      await this.committedWithRead;
      if (this.opened) await this.connection.query("ROLLBACK");
      this.connection.release();
    } catch (rollbackError) {
      this.connection.release(rollbackError as Error);
    }
  }
}

/**
 * PostgreSQL answers ROLLBACK to the COMMIT of a transaction a failed statement
 * aborted: the callback caught that failure and went on, but nothing it wrote
 * was kept. That is an error, not a commit. Takes the COMMIT's result (the last
 * of a message's results).
 */
export function refuseRolledBack(answer: pg.QueryResult | pg.QueryResult[]): void {
  const commit = Array.isArray(answer) ? answer.at(-1) : answer;
  if (commit?.command === "ROLLBACK") throw new Error("the scoped transaction was rolled back: a statement in it failed, and the callback went on");
}

/** A statement that reads (Prisma's reads, or one raw SELECT handed back alone, whose COMMIT is still awaited). */
const READ = /^\s*SELECT\b/i;

/** Prisma's own transaction statements, as a savepoint inside ours. */
const SAVEPOINT_STATEMENTS: Record<string, string> = {
  BEGIN: "SAVEPOINT prisma_write",
  COMMIT: "RELEASE SAVEPOINT prisma_write",
  ROLLBACK: "ROLLBACK TO SAVEPOINT prisma_write",
};

async function connectWithin(pool: pg.Pool, maxWait: number): Promise<pg.PoolClient> {
  let timer: NodeJS.Timeout | undefined;
  const connecting = pool.connect();
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no database connection came within ${maxWait} ms to start a scoped transaction`)), maxWait);
  });
  try {
    return await Promise.race([connecting, late]);
  } catch (error) {
    // A connection that comes after all goes straight back.
    connecting.then(
      (connection) => connection.release(),
      () => undefined,
    );
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** fn with the scoped transaction the caller runs in; refused (a rejection) outside one. */
function inCurrentTransaction<T>(fn: (transaction: ScopedTransaction) => Promise<T>): Promise<T> {
  const transaction = scopeStorage.getStore()?.transaction;
  return transaction ? fn(transaction) : Promise.reject(new Error("a scoped client's query ran outside withCommunity/withUser"));
}

/**
 * The pool Prisma's scoped client is given. It holds no connection: each
 * query runs in the scoped transaction it was issued in (found through the
 * scope's async context), and outside one it is refused.
 */
class ScopedTransactionPool extends pg.Pool {
  // pg's query() has many overloads; Prisma's adapter uses the promise form with a config object.
  override query(...args: unknown[]): never {
    return inCurrentTransaction((transaction) => transaction.query(args[0] as QueryConfig)) as never;
  }

  override connect(): never {
    return inCurrentTransaction((transaction) => transaction.savepoint()) as never;
  }

  override end(): never {
    return Promise.resolve() as never;
  }
}

/**
 * The Prisma client withCommunity and withUser hand their callers: its
 * queries run in the caller's scoped transaction, the innermost where one
 * callback opens another (an outer transaction's client used inside an inner
 * callback runs in the inner scope, where RLS shows it only the inner
 * community). Prisma batches findUnique
 * calls made in the same tick into one request, which would run them all in
 * the transaction of the first caller; batching is turned off so each call
 * runs in its own.
 */
export function createScopedClient(namedStatements: boolean): PrismaClient {
  const client = new PrismaClient({ adapter: new PrismaPg(new ScopedTransactionPool({ max: 1 }), prismaStatementNames(namedStatements)) });
  const loader = (client as unknown as { _requestHandler?: { dataloader?: { options?: { batchBy?: unknown } } } })._requestHandler?.dataloader?.options;
  if (typeof loader?.batchBy !== "function") throw new Error("Prisma's request batching is not where this client expects it; see createScopedClient");
  loader.batchBy = () => undefined;
  return client;
}
