import { createHash } from "node:crypto";
import type { PrismaPg } from "@prisma/adapter-pg";

type PgAdapterOptions = NonNullable<ConstructorParameters<typeof PrismaPg>[1]>;

/**
 * How many distinct statements a process names. A named statement is parsed
 * and planned once per connection and kept by PostgreSQL for the
 * connection's life; texts that vary without end (Prisma writes `IN ($1, …)`
 * with one placeholder per value) must not fill its memory. Past the bound a
 * text goes unnamed, parsed each time as before.
 */
const MAX_NAMED_STATEMENTS = 500;

const names = new Map<string, string>();

/**
 * A prepared statement's name for an SQL text (the same text, the same name),
 * or none past the bound. `always`: the caller's texts are a fixed set written
 * in our code (the webhook path's), named whatever Prisma's filled.
 */
export function statementName(text: string, { always = false } = {}): string | undefined {
  const known = names.get(text);
  if (known || (names.size >= MAX_NAMED_STATEMENTS && !always)) return known;
  const name = `cos_${createHash("sha1").update(text).digest("hex").slice(0, 20)}`;
  names.set(text, name);
  return name;
}

/** Prisma's adapter option that names its statements, or none where the connection keeps no prepared statements. */
export function prismaStatementNames(named: boolean): Pick<PgAdapterOptions, "statementNameGenerator"> {
  // An unnamed statement (undefined) is what the adapter sends without a generator.
  return named ? { statementNameGenerator: (query) => statementName(query.sql) as string } : {};
}
