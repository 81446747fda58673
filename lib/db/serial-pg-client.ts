import pg from "pg";
import { log } from "../observability/log";

/**
 * The pg client behind the pool. It hands pg one query at a time: inside a
 * transaction Prisma 7 loads an include's relations with Promise.all on the
 * transaction's one connection;
 * pg 8 queues them (and warns), pg 9 will refuse them
 * (https://github.com/prisma/orm/pull/29979). Queries in the promise form wait
 * here for the one before to settle instead.
 */
export class SerialPgClient extends pg.Client {
  private previous: Promise<unknown> = Promise.resolve();

  constructor(config?: string | pg.ClientConfig) {
    super(config);
    // A connection lost while a transaction holds it (the database restarting between two
    // statements) emits "error" with no pool listener attached, and Node would throw it,
    // ending the process. The statement in flight, or the next, fails on its own; the
    // caller rolls back and the pool drops the connection.
    this.on("error", (err) => log.warn({ err, scope: "db" }, "database connection lost while in use"));
  }

  // pg's query() has many overloads; the promise forms are queued here, the others passed through.
  override query(...args: unknown[]): never {
    const [config] = args;
    const send = () => (super.query as (...a: unknown[]) => unknown)(...args);
    // Callbacks and submittables (pg-pool's own queries, cursors) keep pg's behaviour.
    if (typeof args.at(-1) === "function" || isSubmittable(config)) return send() as never;
    const result = this.previous.then(send, send);
    this.previous = result.catch(() => undefined);
    return result as never;
  }
}

function isSubmittable(config: unknown): boolean {
  return typeof config === "object" && config !== null && typeof (config as { submit?: unknown }).submit === "function";
}
