// One REST endpoint: its contract (for the OpenAPI document) and its handler,
// served by serveEndpoint: bearer key → rate limit → input parsed with zod →
// handler in the key's community scope → JSON. Refusals are JSON { error }.
import { z } from "zod";
import { ActionError } from "../core/errors";
import { withCommunity, type TenantTx } from "../db/scopes";
import { clientAddress, consume, tooManyRequests } from "../security/rate-limit";
import { authenticateKey, type ApiCaller, type ApiScope } from "./keys";

export type Endpoint<Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType, P extends z.ZodType = z.ZodType> = {
  method: "GET" | "POST" | "DELETE";
  path: string;
  summary: string;
  scope: ApiScope;
  params?: P;
  query?: Q;
  body?: B;
  response: z.ZodType;
  status?: number;
  handler: (ctx: { tx: TenantTx; caller: ApiCaller; params: z.output<P>; query: z.output<Q>; body: z.output<B> }) => Promise<unknown>;
};

export function endpoint<Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType, P extends z.ZodType = z.ZodType>(
  e: Endpoint<Q, B, P>,
): Endpoint<Q, B, P> {
  return e;
}

/** A handler's "no such thing here": another community's rows are exactly as missing as absent ones. */
export class NotFound extends Error {
  constructor(readonly what: string) {
    super(`No such ${what}.`);
  }
}

/** Input that parsed but names nothing usable (e.g. a cursor from another list). */
export class InvalidInput extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super("The request is invalid.");
  }
}

// An endpoint without path parameters or a query takes none (an empty object's schema, built once).
const NOTHING = z.object({});
const json = (body: unknown, status = 200, headers?: HeadersInit) => Response.json(body, { status, headers });
const invalid = (error: z.ZodError) => json({ error: "The request is invalid.", details: z.flattenError(error).fieldErrors }, 400);

async function parseBody(request: Request): Promise<{ ok: true; value: unknown } | { ok: false }> {
  if (!request.headers.get("content-type")?.includes("application/json")) return { ok: false };
  try {
    return { ok: true, value: await request.json() };
  } catch {
    return { ok: false };
  }
}

export async function serveEndpoint(e: Endpoint, request: Request, rawParams: Record<string, string> = {}): Promise<Response> {
  const caller = await authenticateKey(request.headers.get("authorization"));
  if (!caller) {
    // Guessing keys is a flood of failures: counted per address like bad webhook signatures.
    const limited = await consume("badSignature", clientAddress(request.headers));
    if (!limited.ok) return tooManyRequests(limited);
    return json({ error: "Send a valid API key: Authorization: Bearer cos_…" }, 401, { "www-authenticate": "Bearer" });
  }
  const limited = await consume("api", caller.keyId);
  if (!limited.ok) return tooManyRequests(limited, "Rate limit reached for this API key. Retry after the number of seconds in Retry-After.");
  if (e.scope === "write" && caller.scope !== "write") return json({ error: "This API key is read-only. Create a read-write key to make changes." }, 403);

  const params = (e.params ?? NOTHING).safeParse(rawParams);
  if (!params.success) return json({ error: "Not found." }, 404);
  const query = (e.query ?? NOTHING).safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) return invalid(query.error);
  let body: unknown = undefined;
  if (e.body) {
    const raw = await parseBody(request);
    if (!raw.ok) return json({ error: "Send a JSON body (Content-Type: application/json)." }, 400);
    const parsed = e.body.safeParse(raw.value);
    if (!parsed.success) return invalid(parsed.error);
    body = parsed.data;
  }
  try {
    const result = await withCommunity(caller.communityId, (tx) => e.handler({ tx, caller, params: params.data, query: query.data, body }));
    return json(result, e.status ?? 200);
  } catch (error) {
    if (error instanceof NotFound) return json({ error: error.message }, 404);
    if (error instanceof InvalidInput) return json({ error: error.message, details: { [error.field]: [error.problem] } }, 400);
    if (error instanceof ActionError) return json({ error: error.message, ...(error.fieldErrors ? { details: error.fieldErrors } : {}) }, 422);
    throw error;
  }
}
