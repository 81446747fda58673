import { describe, expect, it } from "vitest";
import { safeCallbackUrl } from "../lib/auth/callback-url";
import { OPEN_REDIRECTS } from "./support/attacks";
import { discordSettings } from "../lib/auth/discord-settings";
import { parseServerEnv } from "../lib/env";

const prod = { NODE_ENV: "production", APP_DATABASE_URL: "postgresql://app:pw@db:5432/app" };

describe("sign-in configuration", () => {
  it("production refuses demo mode and missing secrets, naming each", () => {
    expect(() => parseServerEnv({ ...prod, DISCORD_FAKE_URL: "http://127.0.0.1:54330" })).toThrow(/DISCORD_FAKE_URL: demo mode is not allowed in production/);
    expect(() => parseServerEnv(prod)).toThrow(
      /AUTH_SECRET: is required in production[\s\S]*AUTH_URL: is required[\s\S]*AUTH_DISCORD_ID: is required in production[\s\S]*STRIPE_SECRET_KEY: is required in production/,
    );
    expect(() => parseServerEnv({ ...prod, STRIPE_FAKE_URL: "http://127.0.0.1:54331" })).toThrow(/STRIPE_FAKE_URL: demo mode is not allowed in production/);
  });

  it("a production build may use the fake Discord only when it declares a test stage", () => {
    const env = parseServerEnv({ ...prod, COMMUNITYOS_ENV: "test", DISCORD_FAKE_URL: "http://127.0.0.1:54330" });
    expect(discordSettings(env)).toMatchObject({ mode: "demo", oauthBase: "http://127.0.0.1:54330", apiBase: "http://127.0.0.1:54330/api" });
  });

  it("real keys win over the fake, which is then unused", () => {
    const env = parseServerEnv({ AUTH_DISCORD_ID: "123456789012345678", AUTH_DISCORD_SECRET: "s3cret-value", DISCORD_FAKE_URL: "http://127.0.0.1:1" });
    expect(discordSettings(env)).toMatchObject({ mode: "real", oauthBase: "https://discord.com", apiBase: "https://discord.com/api" });
  });

  it("without keys or fake, sign-in is off", () => {
    expect(discordSettings(parseServerEnv({}))).toEqual({ mode: "off" });
  });

  it("the fake must be on loopback over http, and keys come in pairs", () => {
    expect(() => parseServerEnv({ DISCORD_FAKE_URL: "https://evil.example.com" })).toThrow(/DISCORD_FAKE_URL/);
    expect(() => parseServerEnv({ AUTH_DISCORD_ID: "123456789012345678" })).toThrow(/go together/);
  });

  it("treats empty values as unset", () => {
    expect(discordSettings(parseServerEnv({ DISCORD_FAKE_URL: "", AUTH_DISCORD_ID: "" }))).toEqual({ mode: "off" });
  });
});

describe("the sign-in return address", () => {
  it("keeps same-site paths", () => {
    expect(safeCallbackUrl("/c/pixel-guild?tab=tiers")).toBe("/c/pixel-guild?tab=tiers");
  });

  it("refuses anything that could leave the site", () => {
    for (const url of [...OPEN_REDIRECTS, "", null, 42]) {
      expect(safeCallbackUrl(url), JSON.stringify(url)).toBe("/dashboard");
    }
  });

  it("refuses a tab or newline a browser would strip (callbackUrl=%2F%09%2Fevil.example)", () => {
    expect(safeCallbackUrl(decodeURIComponent("%2F%09%2Fevil.example"))).toBe("/dashboard");
  });

  it("normalises what it keeps to a path on this site", () => {
    expect(safeCallbackUrl("/a/../portal?x=1#top")).toBe("/portal?x=1#top");
  });
});
