import { REST } from "@discordjs/rest";
import { Routes, type RESTGetAPICurrentUserGuildsResult } from "discord-api-types/v10";
import { db } from "../db/client";
import { serverEnv } from "../env";
import { discordSettings } from "../auth/discord-settings";

export type ManageableGuild = { id: string; name: string; iconUrl: string | null };

const MANAGE_GUILD = 1n << 5n;
const ADMINISTRATOR = 1n << 3n;
const CACHE_MS = 60_000;
const cache = new Map<string, { expires: number; guilds: ManageableGuild[] }>();

export class DiscordUnavailableError extends Error {
  override name = "DiscordUnavailableError";
}

export function canManage(guild: { owner?: boolean; permissions?: string }): boolean {
  if (guild.owner) return true;
  const permissions = BigInt(guild.permissions ?? "0");
  return (permissions & (ADMINISTRATOR | MANAGE_GUILD)) !== 0n;
}

function iconUrl(id: string, icon: string | null | undefined): string | null {
  return icon ? `https://cdn.discordapp.com/icons/${id}/${icon}.${icon.startsWith("a_") ? "gif" : "png"}` : null;
}

/**
 * The guilds where the user has Manage Server, from Discord with the user's own
 * OAuth token, cached for a minute per user.
 */
export async function listManageableGuilds(userId: string, { fresh = false } = {}): Promise<ManageableGuild[]> {
  const hit = cache.get(userId);
  if (!fresh && hit && hit.expires > Date.now()) return hit.guilds;

  const settings = discordSettings(serverEnv());
  if (settings.mode === "off") throw new DiscordUnavailableError("Discord sign-in is not configured.");
  const account = await db.account.findFirst({ where: { userId, provider: "discord" }, select: { access_token: true } });
  if (!account?.access_token) throw new DiscordUnavailableError("Sign in with Discord again to list your servers.");

  const rest = new REST({ version: "10", api: settings.apiBase, authPrefix: "Bearer", retries: 1, timeout: 10_000 }).setToken(account.access_token);
  let result: RESTGetAPICurrentUserGuildsResult;
  try {
    result = (await rest.get(Routes.userGuilds())) as RESTGetAPICurrentUserGuildsResult;
  } catch (error) {
    const status = (error as { status?: number }).status;
    throw new DiscordUnavailableError(
      status === 401
        ? "Your Discord session expired. Sign out and sign in again to list your servers."
        : "Discord didn't answer. Please try again in a moment.",
    );
  }
  const guilds = result.filter(canManage).map((g) => ({ id: g.id, name: g.name, iconUrl: iconUrl(g.id, g.icon) }));
  cache.set(userId, { expires: Date.now() + CACHE_MS, guilds });
  return guilds;
}
