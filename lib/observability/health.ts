import { db } from "../db/client";

type Check = "ok" | "unreachable";

/** The database and the job queue answer (the queue lives in the same PostgreSQL; its schema must be installed). */
export async function checkHealth(): Promise<{ ok: boolean; database: Check; queue: Check }> {
  const answer = (query: Promise<unknown>) =>
    query.then(
      () => "ok" as const,
      () => "unreachable" as const,
    );
  const [database, queue] = await Promise.all([answer(db.$queryRaw`SELECT 1`), answer(db.$queryRaw`SELECT count(*) FROM graphile_worker._private_tasks`)]);
  return { ok: database === "ok" && queue === "ok", database, queue };
}
