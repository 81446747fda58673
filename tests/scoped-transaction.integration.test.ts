// withCommunity/withUser run their callback in our own scoped transaction
// (lib/db/scoped-transaction.ts), not Prisma's interactive one: these are the
// guarantees Prisma's gave, and the ones ours adds. The isolation suite proves
// the scoping itself for every tenant table.
import pg from "pg";
import { describe, expect, inject, it, vi } from "vitest";
import { createDatabase } from "../lib/db/client";
import { Prisma } from "../lib/generated/prisma/client";
import { statementInCommunity, rowKey, scopesFor, sqlInCommunity, withCommunity } from "../lib/db/scopes";
import { asOwnerInScope, createTenant } from "./support/fixtures";

const audit = (communityId: string, action: string) => ({ data: { communityId, action, objectType: "test" }, select: { id: true } });
const audited = async (communityId: string, action: string) =>
  (await asOwnerInScope<{ n: number }>(communityId, "SELECT count(*)::int AS n FROM audit_log WHERE action = $1", [action]))[0]!.n;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("a scoped transaction", () => {
  it("commits what the callback wrote, and rolls all of it back when the callback fails", async () => {
    const { community } = await createTenant("scoped_tx_commit");
    await withCommunity(community.id, async (tx) => {
      await tx.auditLog.create(audit(community.id, "kept"));
      await tx.auditLog.create(audit(community.id, "kept"));
    });
    await expect(
      withCommunity(community.id, async (tx) => {
        await tx.auditLog.create(audit(community.id, "undone"));
        throw new Error("the callback failed");
      }),
    ).rejects.toThrow("the callback failed");
    expect(await audited(community.id, "kept")).toBe(2);
    expect(await audited(community.id, "undone")).toBe(0);
  });

  it("writes nothing when its scoped BEGIN fails: the statements sent behind it fail, each with the BEGIN's error, and the connection serves the next transaction", async () => {
    const { community } = await createTenant("scoped_tx_begin");
    const original = pg.Client.prototype.query;
    const spy = vi.spyOn(pg.Client.prototype, "query").mockImplementation(function (this: pg.Client, ...args: unknown[]) {
      // The opening fails in PostgreSQL after its BEGIN, as a failed set_config would.
      if (typeof args[0] === "string" && args[0].startsWith("BEGIN;")) args[0] = "BEGIN; SELECT 1 / 0";
      return (original as (...a: unknown[]) => unknown).apply(this, args) as never;
    });
    const errors: string[] = [];
    try {
      await expect(
        withCommunity(community.id, async (tx) => {
          await tx.auditLog.create(audit(community.id, "after_failed_begin")).catch((error: Error) => void errors.push(error.message));
          await tx.auditLog.create(audit(community.id, "after_failed_begin"));
        }),
      ).rejects.toThrow(/division by zero/);
      // The one-statement read sends BEGIN, statement and COMMIT together; it too reports the BEGIN.
      await expect(statementInCommunity(community.id, Prisma.sql`SELECT id FROM audit_log`)).rejects.toThrow(/division by zero/);
    } finally {
      spy.mockRestore();
    }
    expect(errors).toEqual([expect.stringMatching(/division by zero/)]);
    expect(await audited(community.id, "after_failed_begin")).toBe(0);
    expect(await withCommunity(community.id, (tx) => tx.auditLog.count({ where: { action: "after_failed_begin" } }))).toBe(0);
  });

  it("fails, keeping nothing, when the callback catches a failed statement and goes on (PostgreSQL aborted the transaction)", async () => {
    const { community } = await createTenant("scoped_tx_caught");
    await expect(
      withCommunity(community.id, async (tx) => {
        await tx.auditLog.create(audit(community.id, "before_caught_failure"));
        await tx.$executeRawUnsafe("SELECT 1 / 0").catch(() => undefined);
        return "done";
      }),
    ).rejects.toThrow(/rolled back: a statement in it failed/);
    // The webhook path's plain-pg transaction, the same.
    await expect(
      sqlInCommunity(community.id, async (tx) => {
        await tx.$executeRaw`INSERT INTO audit_log (community_id, action, object_type) VALUES (${community.id}::uuid, 'before_caught_failure', 'test')`;
        await tx.$executeRaw`SELECT 1 / 0`.catch(() => undefined);
        return "done";
      }),
    ).rejects.toThrow(/rolled back: a statement in it failed/);
    expect(await audited(community.id, "before_caught_failure")).toBe(0);
  });

  it("sends nothing to the database for a callback that runs no statement", async () => {
    const { community } = await createTenant("scoped_tx_empty");
    const spy = vi.spyOn(pg.Client.prototype, "query");
    try {
      expect(await withCommunity(community.id, async () => "nothing to read")).toBe("nothing to read");
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  it("is rolled back when it outlives its timeout, freeing its locks before the callback returns, and refuses statements after", async () => {
    const { community, rows } = await createTenant("scoped_tx_timeout");
    let freedWhileRunning = false;
    await expect(
      withCommunity(
        community.id,
        async (tx) => {
          await tx.auditLog.create(audit(community.id, "timed_out"));
          await tx.communityMember.update({ where: rowKey(rows.memberId), data: { nickname: "locked" } });
          await sleep(1_500);
          // Another transaction may take the member's row: the expired one gave up its lock.
          freedWhileRunning = await withCommunity(community.id, async (other) => {
            await other.communityMember.update({ where: rowKey(rows.memberId), data: { nickname: "other" } });
            return true;
          });
          await tx.auditLog.create(audit(community.id, "timed_out"));
        },
        { timeout: 1_000 },
      ),
    ).rejects.toThrow(/passed its 1000 ms timeout/);
    expect(freedWhileRunning).toBe(true);
    expect(await audited(community.id, "timed_out")).toBe(0);
  });

  it("waits at most maxWait for a connection, and a connection that comes late goes back to the pool", async () => {
    const { community } = await createTenant("scoped_tx_wait");
    const database = createDatabase(inject("appUrl"), 1);
    const { withCommunity: within } = scopesFor(database);
    try {
      let release!: () => void;
      const holding = within(community.id, () => new Promise<void>((resolve) => (release = resolve)));
      await sleep(50);
      await expect(within(community.id, (tx) => tx.auditLog.count(), { maxWait: 100 })).rejects.toThrow(/no database connection came within 100 ms/);
      release();
      await holding;
      expect(await within(community.id, (tx) => tx.auditLog.count({ where: { action: "none" } }))).toBe(0);
    } finally {
      await database.$disconnect();
    }
  });

  it("refuses a statement issued through the client after the transaction ended", async () => {
    const { community } = await createTenant("scoped_tx_after");
    const kept = await withCommunity(community.id, async (tx) => tx);
    await expect(kept.auditLog.count()).rejects.toThrow(/outside withCommunity\/withUser/);
  });

  it("runs each community's findUnique in its own transaction, even when both are issued in the same tick", async () => {
    const a = await createTenant("scoped_tx_tick_a");
    const b = await createTenant("scoped_tx_tick_b");
    let go!: () => void;
    const together = new Promise<void>((resolve) => (go = resolve));
    const find = (communityId: string, memberId: string) =>
      withCommunity(communityId, async (tx) => {
        await together;
        return tx.communityMember.findUnique({ where: rowKey(memberId), select: { id: true } });
      });
    const both = Promise.all([find(a.community.id, a.rows.memberId), find(b.community.id, b.rows.memberId)]);
    await sleep(100);
    go();
    expect(await both).toEqual([{ id: a.rows.memberId }, { id: b.rows.memberId }]);
  });

  it("runs Prisma's writes of several statements as a savepoint of its own, inside the scope", async () => {
    const { community, rows } = await createTenant("scoped_tx_savepoint");
    const sent: string[] = [];
    const original = pg.Client.prototype.query;
    const spy = vi.spyOn(pg.Client.prototype, "query").mockImplementation(function (this: pg.Client, ...args: unknown[]) {
      const text = typeof args[0] === "string" ? args[0] : (args[0] as { text?: string }).text;
      if (text) sent.push(text);
      return (original as (...a: unknown[]) => unknown).apply(this, args) as never;
    });
    try {
      const member = await withCommunity(community.id, (tx) =>
        tx.communityMember.update({
          where: rowKey(rows.memberId),
          data: { nickname: "nested", accessGrants: { create: { tierId: rows.tierId, kind: "comp", note: "savepoint" } } },
          select: { nickname: true, accessGrants: { select: { note: true } } },
        }),
      );
      expect(member.nickname).toBe("nested");
      expect(member.accessGrants.map((grant) => grant.note)).toContain("savepoint");
    } finally {
      spy.mockRestore();
    }
    expect(sent[0]).toMatch(/^BEGIN; SELECT set_config\('app.current_community_id', '[0-9a-f-]+', true\)/);
    expect(sent).toContain("SAVEPOINT prisma_write");
    expect(sent).toContain("RELEASE SAVEPOINT prisma_write");
    expect(sent.filter((text) => text === "BEGIN")).toEqual([]);
    expect(sent.at(-1)).toBe("COMMIT");
  });
});

/** What the pg clients were sent and when each was answered, in order, while fn ran. */
async function wireLog<T>(fn: () => Promise<T>): Promise<{ result: T; log: string[] }> {
  const log: string[] = [];
  const original = pg.Client.prototype.query;
  const spy = vi.spyOn(pg.Client.prototype, "query").mockImplementation(function (this: pg.Client, ...args: unknown[]) {
    const text = typeof args[0] === "string" ? args[0] : ((args[0] as { text?: string }).text ?? "");
    const short = text.startsWith("BEGIN;") ? "BEGIN" : text.split(" ")[0]!;
    log.push(`sent ${short}`);
    const answer = (original as (...a: unknown[]) => unknown).apply(this, args);
    if (answer instanceof Promise)
      answer.then(
        () => log.push(`answered ${short}`),
        () => log.push(`failed ${short}`),
      );
    return answer as never;
  });
  try {
    return { result: await fn(), log };
  } finally {
    spy.mockRestore();
  }
}

describe("a callback that hands back one query, unawaited", () => {
  it("sends the BEGIN, its read and the COMMIT in one write; an async callback's COMMIT waits for the read's answer", async () => {
    const { community, rows } = await createTenant("scoped_tx_one_write");
    const read = (tx: Prisma.TransactionClient) => tx.communityMember.findMany({ select: { id: true } });
    const handedBack = await wireLog(() => withCommunity(community.id, read));
    expect(handedBack.result).toEqual([{ id: rows.memberId }]);
    expect(handedBack.log.slice(0, 4)).toEqual(["sent BEGIN", "sent SELECT", "sent COMMIT", "answered BEGIN"]);
    const awaited = await wireLog(() => withCommunity(community.id, async (tx) => await read(tx)));
    expect(awaited.result).toEqual([{ id: rows.memberId }]);
    expect(awaited.log).toEqual(["sent BEGIN", "sent SELECT", "answered BEGIN", "answered SELECT", "sent COMMIT", "answered COMMIT"]);
  });

  it("reads an include's relations in a second transaction of the same scope: each community and user sees only its own", async () => {
    const a = await createTenant("scoped_tx_include_a");
    const b = await createTenant("scoped_tx_include_b");
    const withRelations = (tx: Prisma.TransactionClient) =>
      tx.communityMember.findMany({
        select: { communityId: true, payments: { select: { communityId: true } }, subscriptions: { select: { communityId: true } } },
      });
    for (const tenant of [a, b]) {
      const { result, log } = await wireLog(() => withCommunity(tenant.community.id, withRelations));
      const own = { communityId: tenant.community.id };
      expect(result).toEqual([{ ...own, payments: [own], subscriptions: [own] }]);
      expect(log.filter((entry) => entry === "sent BEGIN")).toHaveLength(2);
      expect(log.filter((entry) => entry === "answered COMMIT")).toHaveLength(2);
    }
    const { withUser } = await import("../lib/db/scopes");
    const own = { communityId: b.community.id };
    expect(await withUser(b.owner.id, withRelations)).toEqual([{ ...own, payments: [own], subscriptions: [own] }]);
  });

  it("fails alone when its read fails, and the connection serves the next transaction", async () => {
    const { community } = await createTenant("scoped_tx_one_write_fails");
    const database = createDatabase(inject("appUrl"), 1);
    const { withCommunity: within } = scopesFor(database);
    try {
      await expect(within(community.id, (tx) => tx.$queryRawUnsafe("SELECT 1 / 0"))).rejects.toThrow(/division by zero/);
      expect(await within(community.id, (tx) => tx.auditLog.count({ where: { action: "none" } }))).toBe(0);
    } finally {
      await database.$disconnect();
    }
  });

  it("still waits for the COMMIT's answer: a failed COMMIT fails the callback", async () => {
    const { community } = await createTenant("scoped_tx_one_write_commit");
    const original = pg.Client.prototype.query;
    const spy = vi.spyOn(pg.Client.prototype, "query").mockImplementation(function (this: pg.Client, ...args: unknown[]) {
      if (args[0] === "COMMIT") args[0] = "COMMIT; SELECT 1 / 0";
      return (original as (...a: unknown[]) => unknown).apply(this, args) as never;
    });
    try {
      await expect(withCommunity(community.id, (tx) => tx.auditLog.count())).rejects.toThrow(/division by zero/);
    } finally {
      spy.mockRestore();
    }
  });

  it("commits a write handed back alone only after the write's answer", async () => {
    const { community } = await createTenant("scoped_tx_one_write_insert");
    const { log } = await wireLog(() => withCommunity(community.id, (tx) => tx.auditLog.create(audit(community.id, "handed_back"))));
    expect(log).toEqual(["sent BEGIN", "sent INSERT", "answered BEGIN", "answered INSERT", "sent COMMIT", "answered COMMIT"]);
    expect(await audited(community.id, "handed_back")).toBe(1);
  });
});
