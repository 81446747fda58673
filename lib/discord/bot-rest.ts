import { DiscordAPIError, REST } from "@discordjs/rest";
import { RESTJSONErrorCodes } from "discord-api-types/v10";
import { discordSettings } from "../auth/discord-settings";
import { serverEnv } from "../env";

/**
 * A REST client acting as a community's bot. @discordjs/rest queues requests
 * per route bucket, waits out 429s for their retry_after and retries 5xx and
 * network errors a few times; 4xx errors (permissions, unknown member/role/guild)
 * come back at once, never retried.
 */
export function botRest(token: string, apiBase = discordApiBase()): REST {
  return new REST({ version: "10", retries: 2, timeout: 15_000, ...(apiBase ? { api: apiBase } : {}) }).setToken(token);
}

/** The fake's API in demo mode; Discord's own otherwise (undefined: the library's default). */
export function discordApiBase(): string | undefined {
  const settings = discordSettings(serverEnv());
  return settings.mode === "demo" ? settings.apiBase : undefined;
}

/** A Discord answer that retrying cannot change: record it and stop. */
export type PermanentProblem = "unauthorized" | "unknown_guild" | "unknown_member" | "unknown_role" | "missing_permissions" | "missing_access" | "refused";
export const PERMANENT_PROBLEMS: PermanentProblem[] = [
  "unauthorized",
  "unknown_guild",
  "unknown_member",
  "unknown_role",
  "missing_permissions",
  "missing_access",
  "refused",
];

export function permanentProblem(error: unknown): PermanentProblem | null {
  if (!(error instanceof DiscordAPIError)) return null;
  if (error.status === 401) return "unauthorized";
  switch (error.code) {
    case RESTJSONErrorCodes.UnknownGuild:
      return "unknown_guild";
    case RESTJSONErrorCodes.UnknownMember:
      return "unknown_member";
    case RESTJSONErrorCodes.UnknownRole:
      return "unknown_role";
    case RESTJSONErrorCodes.MissingPermissions:
      return "missing_permissions";
    case RESTJSONErrorCodes.MissingAccess:
      return "missing_access";
  }
  return error.status >= 400 && error.status < 500 && error.status !== 429 ? "refused" : null;
}

/** What each problem means for an owner, in plain words. */
export const PROBLEM_HINTS: Record<PermanentProblem, string> = {
  unauthorized: "Discord rejected the bot token. Copy a fresh token from the Developer Portal (Bot → Reset Token) and save it again.",
  unknown_guild: "The bot is not in your Discord server. Add it again from the Discord bot tab, then run “Check bot”.",
  unknown_member: "This member has left your Discord server, so there is no one to give the role to.",
  unknown_role: "A tier names a Discord role that no longer exists. Pick an existing role on the tier.",
  missing_permissions:
    "The bot lacks permission to manage this role. Give it “Manage Roles” and, in Server Settings → Roles, drag the bot's role above every tier role.",
  missing_access: "Discord refused the bot access to your server: it was removed from it, or never added. Add it again from the Discord bot tab.",
  refused: "Discord refused the bot's request. Run “Check bot” on the Discord bot tab to see what is wrong.",
};
