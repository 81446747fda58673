// The schema can be distributed by community (Citus: create_distributed_table(…,
// 'community_id')): every tenant table's primary key and unique constraints hold
// community_id, and a foreign key between tenant tables carries it on both sides,
// so every constraint is checked on one shard. docs/scaling.md says how.
import { describe, expect, it } from "vitest";
import { asOwner } from "./support/fixtures";

type Constraint = { table: string; name: string; kind: "p" | "u" | "f"; columns: string[]; target: string | null; targetColumns: string[] | null };

async function schema() {
  return asOwner(async (client) => {
    const tenant = (
      await client.query<{ table: string }>(
        `SELECT c.relname AS table FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> 'communities'
            AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'community_id' AND NOT a.attisdropped)
          ORDER BY 1`,
      )
    ).rows.map((r) => r.table);
    const constraints = (
      await client.query<Constraint>(
        `SELECT t.relname AS table, con.conname AS name, con.contype AS kind,
                (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
                   JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum) AS columns,
                f.relname AS target,
                (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
                   JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum) AS "targetColumns"
           FROM pg_constraint con JOIN pg_class t ON t.oid = con.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
           LEFT JOIN pg_class f ON f.oid = con.confrelid
          WHERE n.nspname = 'public' AND con.contype IN ('p', 'u', 'f') AND NOT t.relispartition AND con.conparentid = 0`,
      )
    ).rows;
    // Unique indexes made without a constraint count too.
    const uniqueIndexes = (
      await client.query<{ table: string; name: string; columns: string[] }>(
        `SELECT t.relname AS table, i.relname AS name,
                (SELECT array_agg(a.attname::text) FROM pg_attribute a WHERE a.attrelid = t.oid AND a.attnum = ANY(x.indkey)) AS columns
           FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
          WHERE n.nspname = 'public' AND x.indisunique AND NOT t.relispartition
            AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = x.indexrelid)`,
      )
    ).rows;
    return { tenant: new Set(tenant), constraints, uniqueIndexes };
  });
}

describe("Citus-ready keys", () => {
  it("every tenant table's primary key and unique constraints include community_id", async () => {
    const { tenant, constraints, uniqueIndexes } = await schema();
    expect(tenant.size).toBeGreaterThan(20);
    const keys = [...constraints.filter((c) => c.kind !== "f"), ...uniqueIndexes].filter((c) => tenant.has(c.table));
    const withoutCommunity = keys.filter((c) => !c.columns.includes("community_id")).map((c) => `${c.table}.${c.name} (${c.columns.join(", ")})`);
    expect(withoutCommunity).toEqual([]);
    // Every tenant table has a primary key (a distributed table needs one to be updated by key).
    const withPk = new Set(constraints.filter((c) => c.kind === "p").map((c) => c.table));
    expect([...tenant].filter((t) => !withPk.has(t))).toEqual([]);
  });

  it("foreign keys between tenant tables carry community_id on both sides; others point at reference tables", async () => {
    const { tenant, constraints } = await schema();
    const foreign = constraints.filter((c) => c.kind === "f" && tenant.has(c.table));
    const between = foreign.filter((c) => tenant.has(c.target!));
    const notColocated = between
      .filter((c) => c.columns[c.targetColumns!.indexOf("community_id")] !== "community_id" || !c.columns.includes("community_id"))
      .map((c) => `${c.table}.${c.name} (${c.columns.join(", ")}) -> ${c.target} (${c.targetColumns!.join(", ")})`);
    expect(notColocated).toEqual([]);
    // The rest point at the global tables, which Citus keeps as reference tables (a copy on every node).
    const targets = new Set(foreign.filter((c) => !tenant.has(c.target!)).map((c) => c.target));
    expect([...targets].sort()).toEqual(expect.arrayContaining(["communities"]));
    for (const target of targets) expect(["communities", "users"]).toContain(target);
  });
});
