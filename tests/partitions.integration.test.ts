import { afterAll, describe, expect, it } from "vitest";
import { db } from "../lib/db/client";
import { withCommunity } from "../lib/db/scopes";
import { asOwner, asOwnerInScope, createTenant } from "./support/fixtures";

async function partitions() {
  return asOwner(async (client) => {
    const { rows } = await client.query<{ name: string; bound: string; forced: boolean }>(`
      SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound, c.relforcerowsecurity AS forced
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'analytics_events'::regclass ORDER BY c.relname`);
    return rows;
  });
}

describe("analytics_events partitions", () => {
  it("exist monthly, named like analytics_events_y2025m01, ahead of now, plus a default", async () => {
    const names = (await partitions()).map((p) => p.name);
    expect(names).toContain("analytics_events_y2025m01");
    expect(names).toContain("analytics_events_default");
    const ahead = new Date();
    ahead.setUTCMonth(ahead.getUTCMonth() + 3, 1);
    const expected = `analytics_events_y${ahead.getUTCFullYear()}m${String(ahead.getUTCMonth() + 1).padStart(2, "0")}`;
    expect(names).toContain(expected);
    const jan = (await partitions()).find((p) => p.name === "analytics_events_y2025m01")!;
    expect(jan.bound).toBe("FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2025-02-01 00:00:00+00')");
  });

  it("are created by a job through the application role (here a backfill), moving rows out of the default partition", async () => {
    const { community } = await createTenant("partitions");
    // A month within the analytics retention (13 months) that has no partition yet.
    const month = new Date();
    month.setUTCMonth(month.getUTCMonth() - 12, 1);
    const partition = `analytics_events_y${month.getUTCFullYear()}m${String(month.getUTCMonth() + 1).padStart(2, "0")}`;
    await asOwner((client) => client.query(`DROP TABLE IF EXISTS ${partition}`));
    const far = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth(), 15));
    await withCommunity(community.id, (tx) =>
      tx.analyticsEvent.create({ data: { communityId: community.id, eventType: "page", eventName: "future", timestamp: far } }),
    );
    const count = async (partition: string) =>
      (await asOwnerInScope<{ n: number }>(community.id, `SELECT count(*)::int AS n FROM ${partition} WHERE event_name = 'future'`))[0]!.n;
    expect(await count("analytics_events_default")).toBe(1);

    // The application role owns nothing; the SECURITY DEFINER function does this one thing for it.
    const [result] = await db.$queryRaw<{ created: number }[]>`SELECT ensure_analytics_partitions(${far}::date, 0) AS created`;
    expect(result?.created).toBeGreaterThanOrEqual(1);

    expect({ inDefault: await count("analytics_events_default"), inMonth: await count(partition) }).toEqual({ inDefault: 0, inMonth: 1 });
    const created = (await partitions()).find((p) => p.name === partition)!;
    expect(created.forced).toBe(true);
    expect(await withCommunity(community.id, (tx) => tx.analyticsEvent.count({ where: { eventName: "future" } }))).toBe(1);
  });

  it("refuse an out-of-range request", async () => {
    await expect(db.$queryRaw`SELECT ensure_analytics_partitions('2025-01-01'::date, 1000)`).rejects.toThrow(/months_ahead/);
  });

  it("are pruned when a query filters by time", async () => {
    const { community } = await createTenant("pruning");
    const plan = await withCommunity(community.id, async (tx) => {
      const rows = await tx.$queryRaw<{ "QUERY PLAN": string }[]>`
        EXPLAIN SELECT count(*) FROM analytics_events
         WHERE "timestamp" >= '2025-03-01' AND "timestamp" < '2025-04-01'`;
      return rows.map((r) => r["QUERY PLAN"]).join("\n");
    });
    expect(plan).toContain("analytics_events_y2025m03");
    expect(plan).not.toContain("analytics_events_y2025m04");
    expect(plan).not.toContain("analytics_events_default");
  });
});

afterAll(async () => {
  await db.$disconnect();
});
