import { endpoints } from "@/lib/api/endpoints";
import { serveEndpoint } from "@/lib/api/endpoint";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";
export const GET = route((request: Request) => serveEndpoint(endpoints.listCompAccess, request));
export const POST = route((request: Request) => serveEndpoint(endpoints.grantCompAccess, request));
