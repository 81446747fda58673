import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** For load balancers and uptime checks: the database and the job queue answer. */
export const GET = route(async (_request: Request) => {
  const [database, queue] = await Promise.all([
    db.$queryRaw`SELECT 1`.then(
      () => "ok" as const,
      () => "unreachable" as const,
    ),
    // The queue lives in the same PostgreSQL; its schema must be installed (npm run db:migrate).
    db.$queryRaw`SELECT count(*) FROM graphile_worker._private_tasks`.then(
      () => "ok" as const,
      () => "unreachable" as const,
    ),
  ]);
  const ok = database === "ok" && queue === "ok";
  return Response.json({ status: ok ? "ok" : "degraded", database, queue }, { status: ok ? 200 : 503, headers: { "cache-control": "no-store" } });
});
