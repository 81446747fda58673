import pg from "pg";
import { scopeStorage, scopedBegin } from "./scope-context";

/**
 * The pg client behind Prisma's pool. Prisma's pg adapter opens every
 * interactive transaction with a plain `BEGIN`; inside withCommunity/withUser
 * that BEGIN also sets the scope, transaction-locally. Outside a scope nothing
 * changes, and RLS then shows nothing (fail closed).
 */
export class ScopedPgClient extends pg.Client {
  // pg's query() has many overloads; only the object form Prisma uses is rewritten.
  override query(...args: unknown[]): never {
    const [config] = args;
    const scope = scopeStorage.getStore();
    if (scope && isBegin(config)) {
      args[0] = { ...config, text: scopedBegin(scope) };
    }
    return (super.query as (...a: unknown[]) => never)(...args);
  }
}

function isBegin(config: unknown): config is { text: string } {
  return typeof config === "object" && config !== null && (config as { text?: unknown }).text === "BEGIN";
}
