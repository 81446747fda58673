import { route } from "@/lib/http/route";
import { checkHealth } from "@/lib/observability/health";

export const dynamic = "force-dynamic";

/** For load balancers and uptime checks: the database and the job queue answer. */
export const GET = route(async (_request: Request) => {
  const { ok, database, queue } = await checkHealth();
  return Response.json({ status: ok ? "ok" : "degraded", database, queue }, { status: ok ? 200 : 503, headers: { "cache-control": "no-store" } });
});
