import { z } from "zod";
import { parseKeyRing } from "./crypto/token-box";

const postgresUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === "postgres:" || url.protocol === "postgresql:") && url.hostname !== "";
    } catch {
      return false;
    }
  }, "must be a postgres:// or postgresql:// URL with a host, e.g. postgresql://user:pass@localhost:5432/communityos");

/** The login role the app runs as when APP_DATABASE_URL does not name one (development only). */
export const DEFAULT_APP_ROLE = "app_user";

/** What a paid CommunityOS plan may unlock for an owner (lib/billing/plans.ts). */
export const PLAN_FEATURES = ["analytics", "servers"] as const;

const plan = z.object({
  name: z.string().trim().min(1).max(40),
  /** The part of each member payment CommunityOS keeps, in percent. */
  feePercent: z.number().min(0).max(50),
});
/**
 * The operator's plans for owners: Free, and optionally Pro, bought through Checkout on
 * the platform's own Stripe account at `priceId` (a recurring price there), unlocking
 * `unlocks` (which Free then lacks). Unset: Free at 0% with everything (a self-hosted install).
 */
export const platformPlansSchema = z
  .object({
    free: plan.extend({ name: plan.shape.name.default("Free") }),
    pro: plan
      .extend({
        name: plan.shape.name.default("Pro"),
        priceId: z.string().regex(/^price_\w+$/, "must be a Stripe price id (price_…) on the platform's account"),
        unlocks: z.array(z.enum(PLAN_FEATURES)).default([]),
      })
      .optional(),
  })
  .strict();
export type PlatformPlans = z.output<typeof platformPlansSchema>;

const serverEnvSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    // The deployment stage; defaults to NODE_ENV. A production build serving the
    // end-to-end tests declares itself "test" here, never by weakening production.
    COMMUNITYOS_ENV: z.enum(["development", "production", "test"]).optional(),
    DATABASE_URL: postgresUrl.optional(),
    APP_DATABASE_URL: postgresUrl.optional(),
    APP_DATABASE_PASSWORD: z.string().min(1).optional(),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
    /**
     * "false" behind a transaction-mode pooler that keeps no prepared statements (PgBouncer
     * before 1.21, or max_prepared_statements = 0): the webhook fast path then sends its
     * statements unnamed (docs/scaling.md).
     */
    DATABASE_NAMED_STATEMENTS: z
      .enum(["true", "false", "1", "0"])
      .default("true")
      .transform((v) => v === "true" || v === "1"),
    /** Jobs one `npm run worker` process runs at once. */
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
    /** How often a worker process says its workers are alive (lib/worker/liveness.ts). */
    WORKER_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(600).default(10),
    PLATFORM_PLANS: z
      .string()
      .optional()
      .transform((value, ctx) => {
        if (value === undefined || value.trim() === "") return { free: { name: "Free", feePercent: 0 } };
        try {
          return JSON.parse(value) as unknown;
        } catch {
          ctx.addIssue({
            code: "custom",
            message: 'must be JSON, e.g. {"free":{"feePercent":5},"pro":{"priceId":"price_…","feePercent":1,"unlocks":["analytics"]}}',
          });
          return z.NEVER;
        }
      })
      .pipe(platformPlansSchema),
    /** The platform endpoint's signing secret (owners' plan events); defaults to STRIPE_WEBHOOK_SECRET. */
    STRIPE_PLATFORM_WEBHOOK_SECRET: z.string().startsWith("whsec_", "must be a Stripe webhook signing secret (whsec_…)").optional(),
    SIGN_IN_RATE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(30),
    API_RATE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(120),
    /** Production refuses owner webhook URLs on private addresses unless this is set (receivers on the operator's own network). */
    WEBHOOKS_ALLOW_PRIVATE_URLS: z
      .enum(["true", "false", "1", "0"])
      .optional()
      .transform((v) => v === "true" || v === "1"),
    AUTH_URL: z.url({ message: "must be the app's canonical URL, e.g. https://app.example.com" }).optional(),
    AUTH_SECRET: z.string().min(32, "must be at least 32 characters (e.g. `openssl rand -base64 32`)").optional(),
    AUTH_DISCORD_ID: z
      .string()
      .regex(/^\d{17,20}$/, "must be your Discord application's client id")
      .optional(),
    AUTH_DISCORD_SECRET: z.string().min(8).optional(),
    STRIPE_SECRET_KEY: z
      .string()
      .regex(/^(sk|rk)_(test|live)_\w+$/, "must be a Stripe secret key (sk_test_… or sk_live_…)")
      .optional(),
    STRIPE_WEBHOOK_SECRET: z
      .string()
      .regex(/^whsec_\w{8,}$/, "must be the webhook endpoint's signing secret (whsec_…)")
      .optional(),
    BOT_TOKEN_KEYS: z
      .string()
      .refine((value) => {
        try {
          parseKeyRing(value);
          return true;
        } catch {
          return false;
        }
      }, "must be id:base64 keys of 32 bytes, comma-separated, the current one first (e.g. k1:$(openssl rand -base64 32))")
      .optional(),
    // The platform's bot (same Discord application as AUTH_DISCORD_ID): owners add it to their server in one click.
    DISCORD_BOT_TOKEN: z
      .string()
      .regex(/^[\w.-]{20,200}$/, "must be your Discord application's bot token (Bot → Reset Token)")
      .optional(),
    DISCORD_PUBLIC_KEY: z
      .string()
      .regex(/^[0-9a-f]{64}$/, "must be your Discord application's public key (64 hex characters)")
      .optional(),
    STRIPE_FAKE_URL: z.url({ protocol: /^http$/, hostname: /^(127\.0\.0\.1|localhost)$/, message: "must be an http://127.0.0.1 URL" }).optional(),
    DISCORD_FAKE_URL: z.url({ protocol: /^http$/, hostname: /^(127\.0\.0\.1|localhost)$/, message: "must be an http://127.0.0.1 URL" }).optional(),
    // Member e-mail (receipts, payment reminders). Without it members get Discord messages only.
    SMTP_URL: z.url({ protocol: /^smtps?$/, message: "must be an smtp:// or smtps:// URL, e.g. smtps://user:pass@smtp.example.com:465" }).optional(),
    MAIL_FROM: z
      .string()
      .trim()
      .min(3)
      .max(200)
      .regex(/^[^\r\n]*<?[^@\s<>]+@[^@\s<>]+>?$/, 'must be an address, e.g. "CommunityOS <billing@example.com>"')
      .default("CommunityOS <no-reply@communityos.localhost>"),
    // The local mail catcher's inbox (npm run dev and tests), shown at /dev/mail.
    MAIL_INBOX_URL: z.url({ protocol: /^http$/, hostname: /^(127\.0\.0\.1|localhost)$/, message: "must be an http://127.0.0.1 URL" }).optional(),
  })
  .transform((env) => ({ ...env, stage: env.COMMUNITYOS_ENV ?? env.NODE_ENV }))
  .superRefine((env, ctx) => {
    if (!!env.AUTH_DISCORD_ID !== !!env.AUTH_DISCORD_SECRET) {
      ctx.addIssue({ code: "custom", path: ["AUTH_DISCORD_SECRET"], message: "AUTH_DISCORD_ID and AUTH_DISCORD_SECRET go together" });
    }
    // Without the secret no event can be verified, so no payment could ever grant access.
    if ((env.STRIPE_SECRET_KEY || env.STRIPE_FAKE_URL) && !env.STRIPE_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["STRIPE_WEBHOOK_SECRET"],
        message: "is required whenever payments are on: the signing secret of the endpoint /api/webhooks/stripe",
      });
    }
    if (env.stage === "production") {
      if (env.DISCORD_FAKE_URL) ctx.addIssue({ code: "custom", path: ["DISCORD_FAKE_URL"], message: "demo mode is not allowed in production" });
      if (!env.AUTH_SECRET) ctx.addIssue({ code: "custom", path: ["AUTH_SECRET"], message: "is required in production" });
      if (!env.AUTH_URL) ctx.addIssue({ code: "custom", path: ["AUTH_URL"], message: "is required in production: the app's canonical https URL" });
      if (!env.AUTH_DISCORD_ID) ctx.addIssue({ code: "custom", path: ["AUTH_DISCORD_ID"], message: "is required in production (Discord sign-in)" });
      if (env.MAIL_INBOX_URL) ctx.addIssue({ code: "custom", path: ["MAIL_INBOX_URL"], message: "the local mail catcher is not allowed in production" });
      if (env.STRIPE_FAKE_URL) ctx.addIssue({ code: "custom", path: ["STRIPE_FAKE_URL"], message: "demo mode is not allowed in production" });
      if (!env.STRIPE_SECRET_KEY) ctx.addIssue({ code: "custom", path: ["STRIPE_SECRET_KEY"], message: "is required in production (payments)" });
      if (!env.BOT_TOKEN_KEYS)
        ctx.addIssue({ code: "custom", path: ["BOT_TOKEN_KEYS"], message: "is required in production: the keys bot tokens are encrypted with" });
    }
    if (env.stage === "production" && !env.APP_DATABASE_URL) {
      ctx.addIssue({
        code: "custom",
        path: ["APP_DATABASE_URL"],
        message: "is required in production: the app must connect as the non-owner application role",
      });
    }
  });

export type ServerEnv = z.infer<typeof serverEnvSchema>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

export function parseServerEnv(source: Record<string, string | undefined> = process.env): ServerEnv {
  // An empty value (FOO= in a .env file or CI) means "not set".
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ""));
  const result = serverEnvSchema.safeParse(present);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  - ${issue.path.join(".") || "env"}: ${issue.message}`);
    throw new ConfigError(`Invalid environment configuration:\n${problems.join("\n")}`);
  }
  return result.data;
}

/**
 * The runtime connection: APP_DATABASE_URL, or (outside production) the owner
 * URL with the application role's credentials swapped in.
 */
export function appDatabaseUrl(env: ServerEnv): string {
  if (env.APP_DATABASE_URL) return env.APP_DATABASE_URL;
  if (!env.DATABASE_URL) {
    throw new ConfigError(
      "No database configured: set APP_DATABASE_URL (or DATABASE_URL), or start the app with `npm run dev`, which runs an embedded PostgreSQL.",
    );
  }
  return withCredentials(env.DATABASE_URL, DEFAULT_APP_ROLE, env.APP_DATABASE_PASSWORD ?? DEFAULT_APP_ROLE);
}

export function withCredentials(databaseUrl: string, user: string, password: string): string {
  const url = new URL(databaseUrl);
  url.username = encodeURIComponent(user);
  url.password = encodeURIComponent(password);
  return url.toString();
}

let cached: ServerEnv | undefined;
export function serverEnv(): ServerEnv {
  cached ??= parseServerEnv();
  return cached;
}
