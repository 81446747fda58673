import { describe, expect, it } from "vitest";
import { appDatabaseUrl, ConfigError, parseServerEnv } from "../lib/env";

describe("server environment", () => {
  it("refuses a malformed DATABASE_URL with a message naming it", () => {
    expect(() => parseServerEnv({ DATABASE_URL: "not a url" })).toThrow(ConfigError);
    expect(() => parseServerEnv({ DATABASE_URL: "mysql://localhost/db" })).toThrow(/DATABASE_URL: must be a postgres/);
  });

  it("requires the application role's own URL in production", () => {
    expect(() => parseServerEnv({ NODE_ENV: "production", DATABASE_URL: "postgresql://owner:pw@db:5432/app" })).toThrow(
      /APP_DATABASE_URL: is required in production/,
    );
  });

  it("derives the development runtime URL by swapping in the application role", () => {
    const env = parseServerEnv({ NODE_ENV: "development", DATABASE_URL: "postgresql://owner:secret@localhost:5432/app?sslmode=disable" });
    expect(appDatabaseUrl(env)).toBe("postgresql://app_user:app_user@localhost:5432/app?sslmode=disable");
  });

  it("uses APP_DATABASE_URL as given", () => {
    const env = parseServerEnv({ APP_DATABASE_URL: "postgres://runtime:pw@localhost/app" });
    expect(appDatabaseUrl(env)).toBe("postgres://runtime:pw@localhost/app");
  });

  it("explains what to do when no database is configured", () => {
    expect(() => appDatabaseUrl(parseServerEnv({}))).toThrow(/npm run dev/);
  });

  it("validates the pool size", () => {
    expect(() => parseServerEnv({ DATABASE_POOL_MAX: "0" })).toThrow(/DATABASE_POOL_MAX/);
    expect(parseServerEnv({ DATABASE_POOL_MAX: "25" }).DATABASE_POOL_MAX).toBe(25);
  });
});
