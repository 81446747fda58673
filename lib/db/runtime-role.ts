import pg from "pg";
import { ConfigError } from "../env";

export type RoleFacts = {
  role: string;
  superuser: boolean;
  bypassRls: boolean;
  ownedTables: number;
  inAppGroup: boolean;
};

export async function readRoleFacts(client: pg.ClientBase): Promise<RoleFacts> {
  const { rows } = await client.query<RoleFacts>(`
    SELECT r.rolname AS role,
           r.rolsuper AS superuser,
           r.rolbypassrls AS "bypassRls",
           (SELECT count(*)::int FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relowner = r.oid) AS "ownedTables",
           pg_has_role(r.oid, 'communityos_app', 'MEMBER') AS "inAppGroup"
      FROM pg_roles r WHERE r.rolname = current_user`);
  return rows[0]!;
}

/**
 * The runtime must be held by RLS: not a superuser, no BYPASSRLS, owner of no
 * table. Start-up stops with this message otherwise.
 */
export function assertSafeRuntimeRole(facts: RoleFacts): void {
  const problems: string[] = [];
  if (facts.superuser) problems.push("is a superuser");
  if (facts.bypassRls) problems.push("has BYPASSRLS");
  if (facts.ownedTables > 0) problems.push(`owns ${facts.ownedTables} table(s)`);
  if (!facts.inAppGroup) problems.push("is not a member of communityos_app (run `npm run db:migrate`)");
  if (problems.length > 0) {
    throw new ConfigError(
      `The application database role "${facts.role}" ${problems.join(", ")}. ` +
        "Row-level security would not isolate communities. Point APP_DATABASE_URL at the non-owner application role that `npm run db:migrate` creates.",
    );
  }
}

export async function checkRuntimeRole(connectionString: string): Promise<RoleFacts> {
  const client = new pg.Client({ connectionString });
  try {
    await client.connect();
    const facts = await readRoleFacts(client);
    assertSafeRuntimeRole(facts);
    return facts;
  } finally {
    await client.end().catch(() => undefined);
  }
}
