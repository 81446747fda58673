// pg will refuse a query sent while another is still waiting on the same
// connection (pg 9; pg 8 queues it and warns), unless the client is in pipeline
// mode. Prisma 7 sends an include's relations at once on a transaction's one
// connection, and a scoped transaction sends its first statement behind its
// BEGIN: the pool's PipelinedPgClient sends them all at once, answered in order.
import pg from "pg";
import { afterEach, beforeEach, describe, expect, inject, it, vi } from "vitest";
import { withCommunity } from "../lib/db/scopes";
import { PipelinedPgClient } from "../lib/db/pipelined-pg-client";
import { createCommunity, createTenantRows, createUser } from "./support/fixtures";

/** The most promise-form queries pg held at once on any one client while fn ran. */
async function mostAtOnce(fn: () => Promise<void>): Promise<number> {
  const original = pg.Client.prototype.query;
  const pending = new WeakMap<object, number>();
  let most = 0;
  const spy = vi.spyOn(pg.Client.prototype, "query").mockImplementation(function (this: pg.Client, ...args: unknown[]) {
    const result = (original as (...a: unknown[]) => unknown).apply(this, args);
    if (result instanceof Promise) {
      const now = (pending.get(this) ?? 0) + 1;
      pending.set(this, now);
      most = Math.max(most, now);
      const settled = () => pending.set(this, pending.get(this)! - 1);
      result.then(settled, settled);
    }
    return result as never;
  });
  try {
    await fn();
  } finally {
    spy.mockRestore();
  }
  return most;
}

const clients: pg.Client[] = [];
async function connected<C extends pg.Client>(client: C): Promise<C> {
  await client.connect();
  clients.push(client);
  return client;
}

describe("several queries at once on a connection", () => {
  beforeEach(() => void clients.splice(0));
  afterEach(async () => {
    await Promise.all(clients.map((c) => c.end()));
  });

  it("a plain pg client is handed three queries at once (what pg 9 refuses)", async () => {
    const client = await connected(new pg.Client({ connectionString: inject("appUrl") }));
    expect(await mostAtOnce(async () => void (await Promise.all([1, 2, 3].map((n) => client.query("SELECT pg_sleep(0.02), $1::int AS n", [n])))))).toBe(3);
  });

  it("PipelinedPgClient sends them together, each answered in order, a failure not blocking the next, without pg's warning", async () => {
    // Typed as the pg client it is.
    const client: pg.Client = await connected(new PipelinedPgClient({ connectionString: inject("appUrl") }));
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on("warning", onWarning);
    let answers: unknown[] = [];
    const most = await mostAtOnce(async () => {
      answers = await Promise.all([
        client.query("SELECT pg_sleep(0.02), $1::int AS n", [1]).then((r) => r.rows[0].n),
        client.query("SELECT 1 / 0").then(
          () => "no error",
          (error: Error) => error.message,
        ),
        client.query("SELECT $1::int AS n", [3]).then((r) => r.rows[0].n),
      ]);
    });
    await new Promise((resolve) => setImmediate(resolve));
    process.off("warning", onWarning);
    expect(client.pipeline).toBe(true);
    expect(most).toBe(3);
    expect(answers).toEqual([1, "division by zero", 3]);
    expect(warnings.filter((w) => /already executing a query/.test(w))).toEqual([]);
  });

  it("inside a transaction, a failed statement aborts it and the statements sent behind it fail, as they would in turn", async () => {
    const client: pg.Client = await connected(new PipelinedPgClient({ connectionString: inject("appUrl") }));
    const answers = await Promise.all(
      ["BEGIN", "SELECT 1 AS n", "SELECT 1 / 0", "SELECT 3 AS n", "COMMIT"].map((sql) =>
        client.query(sql).then(
          (r) => r.command + (r.rows[0] ? `:${r.rows[0].n}` : ""),
          (error: Error) => error.message,
        ),
      ),
    );
    expect(answers).toEqual(["BEGIN", "SELECT:1", "division by zero", expect.stringMatching(/current transaction is aborted/), "ROLLBACK"]);
  });

  it("Prisma's include of several relations inside a community's transaction is sent at once and answered whole", async () => {
    const owner = await createUser("owner");
    const community = await createCommunity(owner.id);
    const member = await createUser("member");
    const rows = await createTenantRows(community.id, member.id, member.discordId);
    let found: { subscriptions: unknown[]; payments: unknown[]; notices: unknown[]; accessGrants: unknown[] } | null = null;
    const most = await mostAtOnce(async () => {
      found = await withCommunity(community.id, (tx) =>
        tx.communityMember.findUnique({
          where: { communityId_id: { communityId: community.id, id: rows.memberId } },
          include: { subscriptions: true, payments: true, notices: true, accessGrants: true },
        }),
      );
    });
    // The scoped BEGIN, the member and its four relations: more than one on the wire at once.
    expect(most).toBeGreaterThan(1);
    expect(found).toMatchObject({
      subscriptions: [expect.anything()],
      payments: [expect.anything()],
      notices: [expect.anything()],
      accessGrants: [expect.anything()],
    });
  });
});
