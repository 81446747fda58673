import pg from "pg";
import { log } from "../observability/log";

/**
 * The pg client behind the pool, in pg's pipeline mode: each query is written
 * to the connection at once, and PostgreSQL answers them in the order sent.
 * That is what lets a scoped transaction send its first statement right
 * behind its BEGIN (scoped-transaction.ts) instead of a round trip later, and
 * what Prisma 7 needs when it loads an include's relations with Promise.all on
 * a transaction's one connection (pg 9 refuses concurrent queries outside
 * pipeline mode: https://github.com/prisma/orm/pull/29979). A failed query
 * fails alone: each carries its own Sync.
 */
export class PipelinedPgClient extends pg.Client {
  constructor(config: string | pg.ClientConfig = {}) {
    super({ ...(typeof config === "string" ? { connectionString: config } : config), pipeline: true });
    // A connection lost while a transaction holds it (the database restarting between two
    // statements) emits "error" with no pool listener attached, and Node would throw it,
    // ending the process. The statement in flight, or the next, fails on its own; the
    // caller rolls back and the pool drops the connection.
    this.on("error", (err) => log.warn({ err, scope: "db" }, "database connection lost while in use"));
  }
}
