// Putting a paying member into the community's Discord server, as LaunchPass
// and Whop do: the platform's bot adds them with their own OAuth grant
// (guilds.join), refreshing it when it has expired. What stops it is recorded
// on the member in plain terms (banned, too many servers, sign in again), so
// the portal and the owner can say what to do.
import { RESTJSONErrorCodes, Routes } from "discord-api-types/v10";
import { DiscordAPIError, type REST } from "@discordjs/rest";
import { z } from "zod";
import { discordSettings } from "../auth/discord-settings";
import { db } from "../db/client";
import { serverEnv } from "../env";
import { log } from "../observability/log";

export const GUILD_STATUSES = ["unknown", "joined", "left", "banned", "guild_limit", "needs_sign_in", "bot_missing", "invite_needed"] as const;
export type GuildStatus = (typeof GUILD_STATUSES)[number];

type Grant = { accessToken: string; refreshToken: string | null; expiresAt: number | null; scope: string | null };

const tokenAnswer = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.number().int().positive(),
  scope: z.string().optional(),
});

/** The user's Discord grant, refreshed when it is about to expire. Null when there is none usable. */
export async function usableGrant(userId: string, now = Date.now()): Promise<Grant | null> {
  const account = await db.account.findFirst({
    where: { userId, provider: "discord" },
    select: { id: true, access_token: true, refresh_token: true, expires_at: true, scope: true },
  });
  if (!account?.access_token || !(account.scope ?? "").split(/\s+/).includes("guilds.join")) return null;
  const grant: Grant = { accessToken: account.access_token, refreshToken: account.refresh_token, expiresAt: account.expires_at, scope: account.scope };
  if (grant.expiresAt === null || grant.expiresAt * 1000 > now + 60_000) return grant;
  if (!grant.refreshToken) return null;
  const settings = discordSettings(serverEnv());
  if (settings.mode === "off") return null;
  const response = await fetch(`${settings.apiBase}/oauth2/token`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(settings.clientId)}:${encodeURIComponent(settings.clientSecret)}`).toString("base64")}`,
    },
    body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: grant.refreshToken }),
  });
  // 400 invalid_grant: revoked or used; the user signs in again. Anything else is Discord's trouble: retry later.
  if (response.status === 400 || response.status === 401) return null;
  if (!response.ok) throw new Error(`Discord answered ${response.status} to a token refresh`);
  const fresh = tokenAnswer.parse(await response.json());
  const expiresAt = Math.floor(now / 1000) + fresh.expires_in;
  await db.account.update({
    where: { id: account.id },
    data: {
      access_token: fresh.access_token,
      refresh_token: fresh.refresh_token ?? grant.refreshToken,
      expires_at: expiresAt,
      scope: fresh.scope ?? grant.scope,
    },
  });
  return { accessToken: fresh.access_token, refreshToken: fresh.refresh_token ?? grant.refreshToken, expiresAt, scope: fresh.scope ?? grant.scope };
}

/**
 * Adds the user to the server with their own grant; `client` acts as the
 * platform's bot. Returns where they stand. Transient failures (5xx, network)
 * throw, and the job that called this is retried.
 */
export async function addToGuild(client: REST, guildId: string, member: { userId: string; discordUserId: string }, now = Date.now()): Promise<GuildStatus> {
  const grant = await usableGrant(member.userId, now);
  if (!grant) return "needs_sign_in";
  try {
    await client.put(Routes.guildMember(guildId, member.discordUserId), { body: { access_token: grant.accessToken }, reason: "CommunityOS: a paying member" });
    return "joined";
  } catch (error) {
    if (!(error instanceof DiscordAPIError)) throw error;
    switch (error.code) {
      case RESTJSONErrorCodes.UserBannedFromThisGuild:
        return "banned";
      case RESTJSONErrorCodes.MaximumNumberOfGuildsReached:
        return "guild_limit";
      case RESTJSONErrorCodes.InvalidOAuth2AccessToken:
        return "needs_sign_in";
      case RESTJSONErrorCodes.UnknownGuild:
      case RESTJSONErrorCodes.MissingAccess:
      case RESTJSONErrorCodes.MissingPermissions:
        log.warn({ guildId, code: error.code }, "the bot cannot add members to this server");
        return "bot_missing";
    }
    if (error.status >= 500 || error.status === 429) throw error;
    log.warn({ guildId, code: error.code, status: error.status }, "Discord refused to add a member");
    return "bot_missing";
  }
}
