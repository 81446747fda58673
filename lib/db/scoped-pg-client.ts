import pg from "pg";
import { scopeStorage, scopedBegin } from "./scope-context";
import { log } from "../observability/log";

/**
 * The pg client behind Prisma's pool. Prisma's pg adapter opens every
 * interactive transaction with a plain `BEGIN`; inside withCommunity/withUser
 * that BEGIN also sets the scope, transaction-locally. Outside a scope nothing
 * changes, and RLS then shows nothing (fail closed).
 *
 * It also hands pg one query at a time. Inside a transaction Prisma 7 loads an
 * include's relations with Promise.all on the transaction's one connection;
 * pg 8 queues them (and warns), pg 9 will refuse them
 * (https://github.com/prisma/orm/pull/29979). Queries in the promise form wait
 * here for the one before to settle instead.
 */
export class ScopedPgClient extends pg.Client {
  private previous: Promise<unknown> = Promise.resolve();

  constructor(config?: string | pg.ClientConfig) {
    super(config);
    // A connection lost while a transaction holds it (the database restarting between two
    // statements) emits "error" with no pool listener attached, and Node would throw it,
    // ending the process. The statement in flight, or the next, fails on its own; the
    // caller rolls back and the pool drops the connection.
    this.on("error", (err) => log.warn({ err, scope: "db" }, "database connection lost while in use"));
  }

  // pg's query() has many overloads; only the object form Prisma uses is rewritten.
  override query(...args: unknown[]): never {
    const [config] = args;
    const scope = scopeStorage.getStore();
    if (scope && isBegin(config)) {
      args[0] = { ...config, text: scopedBegin(scope) };
    }
    const send = () => (super.query as (...a: unknown[]) => unknown)(...args);
    // Callbacks and submittables (pg-pool's own queries, cursors) keep pg's behaviour.
    if (typeof args.at(-1) === "function" || isSubmittable(config)) return send() as never;
    const result = this.previous.then(send, send);
    this.previous = result.catch(() => undefined);
    return result as never;
  }
}

function isBegin(config: unknown): config is { text: string } {
  return typeof config === "object" && config !== null && (config as { text?: unknown }).text === "BEGIN";
}

function isSubmittable(config: unknown): boolean {
  return typeof config === "object" && config !== null && typeof (config as { submit?: unknown }).submit === "function";
}
