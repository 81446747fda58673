// Rate limits on what the public can hammer: sign-in, checkout creation, and
// the webhook / interactions endpoints' failed signatures. Counters live in
// PostgreSQL so every web process shares them; if the database cannot answer,
// each process falls back to its own memory rather than failing the request.
import pg from "pg";
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import { appDatabaseUrl, serverEnv } from "../env";
import { log } from "../observability/log";

// Limits key on the client address; the helper lives with the other HTTP edges.
export { clientAddress } from "../http/client-address";

type Limit = { points: number; duration: number; blockDuration?: number };

/** Points per window (seconds); a key over its limit stays refused for blockDuration, or to the window's end. */
export function limits() {
  return {
    /** Sign-ins started per minute, per client address (SIGN_IN_RATE_LIMIT, default 30). */
    signIn: { points: serverEnv().SIGN_IN_RATE_LIMIT, duration: 60 },
    /** Checkout sessions created, per signed-in user. */
    checkout: { points: 20, duration: 600 },
    /** REST API calls per key (API_RATE_LIMIT per minute, default 120). */
    api: { points: serverEnv().API_RATE_LIMIT, duration: 60 },
    /** Requests with a bad signature, per client address: a few mistakes pass, a flood is shut out for 5 minutes. */
    badSignature: { points: 20, duration: 60, blockDuration: 300 },
  } satisfies Record<string, Limit>;
}
export type LimitName = keyof ReturnType<typeof limits>;

const globalForLimits = globalThis as unknown as { communityosLimitPool?: pg.Pool; communityosLimiters?: Map<LimitName, RateLimiterPostgres> };

function pool(): pg.Pool {
  if (!globalForLimits.communityosLimitPool) {
    const created = new pg.Pool({
      connectionString: appDatabaseUrl(serverEnv()),
      max: 3,
      application_name: "communityos-rate-limit",
      connectionTimeoutMillis: 2000,
    });
    // An idle connection dropped by a database restart must not take the process down.
    created.on("error", (error) => log.warn({ err: error }, "rate-limit pool connection lost"));
    globalForLimits.communityosLimitPool = created;
  }
  return globalForLimits.communityosLimitPool;
}

function limiter(name: LimitName): RateLimiterPostgres {
  globalForLimits.communityosLimiters ??= new Map();
  let found = globalForLimits.communityosLimiters.get(name);
  if (!found) {
    const limit: Limit = limits()[name];
    const options = { ...limit, keyPrefix: name };
    found = new RateLimiterPostgres({
      ...options,
      // A key over its limit is refused from memory until its block ends: a flood costs no queries.
      inMemoryBlockOnConsumed: options.points + 1,
      inMemoryBlockDuration: limit.blockDuration ?? limit.duration,
      storeClient: pool(),
      tableName: "rate_limits",
      tableCreated: true,
      clearExpiredByTimeout: false,
      insuranceLimiter: new RateLimiterMemory(options),
    });
    globalForLimits.communityosLimiters.set(name, found);
  }
  return found;
}

export type LimitResult = { ok: true } | { ok: false; retryAfterSeconds: number };

const refused = (res: RateLimiterRes): LimitResult => ({ ok: false, retryAfterSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) });

/** Spends a point; refused once the limit is reached. */
export async function consume(name: LimitName, key: string): Promise<LimitResult> {
  try {
    await limiter(name).consume(key);
    return { ok: true };
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return refused(rejection);
    throw rejection;
  }
}

export function tooManyRequests(result: Extract<LimitResult, { ok: false }>, message = "Too many requests. Please wait a moment and try again."): Response {
  return Response.json({ error: message }, { status: 429, headers: { "retry-after": String(result.retryAfterSeconds) } });
}

export const RATE_LIMITED = (seconds: number) => `Too many attempts. Please wait ${seconds} second${seconds === 1 ? "" : "s"} and try again.`;

/** Expired counters, removed by the scheduled job. */
export async function purgeExpiredLimits(now = Date.now()): Promise<number> {
  const { rowCount } = await pool().query("DELETE FROM rate_limits WHERE expire < $1", [now]);
  return rowCount ?? 0;
}
