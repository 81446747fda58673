import { openApiDocument } from "@/lib/api/openapi";
import { appOrigin } from "@/lib/http/origin";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";
export const GET = route(async () => Response.json(openApiDocument(`${await appOrigin()}/api/v1`), { headers: { "access-control-allow-origin": "*" } }));
