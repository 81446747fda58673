// schema.prisma mirrors the SQL migrations; this proves the two agree, column by column.
import { readFile } from "node:fs/promises";
import internals from "@prisma/internals";
import { beforeAll, describe, expect, it } from "vitest";
import { asOwner } from "./support/fixtures";

type Field = {
  name: string;
  dbName?: string | null;
  kind: string;
  type: string;
  isList: boolean;
  isRequired: boolean;
  hasDefaultValue: boolean;
  nativeType?: [string, string[]] | null;
};
type Model = { name: string; dbName: string | null; fields: Field[] };
type Column = { table: string; column: string; type: string; nullable: boolean; hasDefault: boolean };

const SCALARS: Record<string, string> = {
  Int: "integer",
  BigInt: "bigint",
  Boolean: "boolean",
  Json: "jsonb",
  DateTime: "timestamp(3) without time zone",
  Decimal: "numeric(65,30)",
  String: "text",
};

/** The PostgreSQL type Prisma expects for a field, as format_type() prints it. */
function expectedType(field: Field): string {
  const [native, args = []] = field.nativeType ?? [];
  let base: string;
  switch (native) {
    case undefined:
      base = SCALARS[field.type] ?? `unmapped ${field.type}`;
      break;
    case "VarChar":
      base = `character varying(${args[0]})`;
      break;
    case "Decimal":
      base = `numeric(${args.join(",")})`;
      break;
    // Precision 6 is PostgreSQL's default, printed without it.
    case "Timestamptz":
      base = args[0] === "6" || args.length === 0 ? "timestamp with time zone" : `timestamp(${args[0]}) with time zone`;
      break;
    case "Uuid":
    case "Inet":
    case "Date":
      base = native.toLowerCase();
      break;
    default:
      base = `unmapped native ${native}`;
  }
  return field.isList ? `${base}[]` : base;
}

let models: Model[];
let columns: Column[];

beforeAll(async () => {
  const dmmf = await internals.getDMMF({ datamodel: await readFile("prisma/schema.prisma", "utf8") });
  models = dmmf.datamodel.models as unknown as Model[];
  columns = await asOwner(async (client) => {
    const { rows } = await client.query<Column>(`
      SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
             NOT a.attnotnull AS nullable, a.atthasdef AS "hasDefault"
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
       WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND a.attnum > 0 AND NOT a.attisdropped`);
    return rows;
  });
});

describe("schema.prisma and the migrated database", () => {
  it("model every table the seed specifies, plus Auth.js's", () => {
    const tables = new Set(models.map((m) => m.dbName ?? m.name));
    for (const table of [
      "communities",
      "users",
      "community_members",
      "subscriptions",
      "subscription_tiers",
      "payments",
      "discord_bot_configs",
      "analytics_events",
      "data_retention_policies",
      "accounts",
      "sessions",
      "verification_tokens",
    ]) {
      expect(tables).toContain(table);
    }
  });

  it("agree on every column's existence, type, nullability and default", () => {
    const mismatches: string[] = [];
    for (const model of models) {
      const table = model.dbName ?? model.name;
      const dbColumns = new Map(columns.filter((c) => c.table === table).map((c) => [c.column, c]));
      if (dbColumns.size === 0) mismatches.push(`${table}: table missing in the database`);
      const modelled = new Set<string>();
      for (const field of model.fields.filter((f) => f.kind === "scalar")) {
        const name = field.dbName ?? field.name;
        modelled.add(name);
        const column = dbColumns.get(name);
        if (!column) {
          mismatches.push(`${table}.${name}: in schema.prisma, not in the database`);
          continue;
        }
        if (column.type !== expectedType(field)) mismatches.push(`${table}.${name}: database ${column.type}, schema ${expectedType(field)}`);
        if (column.nullable === field.isRequired)
          mismatches.push(`${table}.${name}: database nullable=${column.nullable}, schema required=${field.isRequired}`);
        if (field.hasDefaultValue && !column.hasDefault) mismatches.push(`${table}.${name}: schema has a default, database does not`);
      }
      for (const column of dbColumns.keys()) {
        if (!modelled.has(column)) mismatches.push(`${table}.${column}: in the database, not in schema.prisma`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it("has no table outside schema.prisma but Prisma's bookkeeping", () => {
    const modelled = new Set(models.map((m) => m.dbName ?? m.name));
    const unmodelled = [...new Set(columns.map((c) => c.table))].filter((t) => !modelled.has(t));
    expect(unmodelled).toEqual(["_prisma_migrations"]);
  });
});
