import { z } from "zod";

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

const serverEnvSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    DATABASE_URL: postgresUrl.optional(),
    APP_DATABASE_URL: postgresUrl.optional(),
    APP_DATABASE_PASSWORD: z.string().min(1).optional(),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === "production" && !env.APP_DATABASE_URL) {
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
  const result = serverEnvSchema.safeParse(source);
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
