import pg from "pg";

/** Test-only: the migration owner's view of the database, to check what a flow wrote (or did not). */
export async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const url = process.env.COMMUNITYOS_TEST_OWNER_URL;
  if (!url) throw new Error("COMMUNITYOS_TEST_OWNER_URL is set by `npm test`");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}
