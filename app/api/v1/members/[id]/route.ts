import { endpoints } from "@/lib/api/endpoints";
import { serveEndpoint } from "@/lib/api/endpoint";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";
export const GET = route(async (request: Request, { params }: { params: Promise<{ id: string }> }) =>
  serveEndpoint(endpoints.getMember, request, await params),
);
