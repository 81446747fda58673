import { DEMO_BOT } from "../discord/demo";
import type { ServerEnv } from "../env";

/** The client the local fake Discord (e2e/fakes/discord) accepts. Not a secret. */
export const DEMO_DISCORD_CLIENT = { id: DEMO_BOT.applicationId, secret: DEMO_BOT.clientSecret } as const;

export type DiscordSettings = { mode: "real" | "demo"; clientId: string; clientSecret: string; oauthBase: string; apiBase: string } | { mode: "off" };

/**
 * Real Discord when keys are set; the local fake (demo mode) only without keys
 * and outside production; otherwise sign-in is unavailable.
 */
export function discordSettings(env: ServerEnv): DiscordSettings {
  if (env.AUTH_DISCORD_ID && env.AUTH_DISCORD_SECRET) {
    return {
      mode: "real",
      clientId: env.AUTH_DISCORD_ID,
      clientSecret: env.AUTH_DISCORD_SECRET,
      oauthBase: "https://discord.com",
      apiBase: "https://discord.com/api",
    };
  }
  if (env.DISCORD_FAKE_URL && env.stage !== "production") {
    const base = env.DISCORD_FAKE_URL.replace(/\/$/, "");
    return { mode: "demo", clientId: DEMO_DISCORD_CLIENT.id, clientSecret: DEMO_DISCORD_CLIENT.secret, oauthBase: base, apiBase: `${base}/api` };
  }
  return { mode: "off" };
}
