// "Add the bot to your server" in one click: Discord's bot authorization URL
// for the platform's application, the community's server preselected, and a
// callback that confirms with Discord that the bot is really in that server
// before the community starts using it.
import { Routes, type RESTGetAPIGuildResult } from "discord-api-types/v10";
import type { REST } from "@discordjs/rest";
import { discordSettings } from "../auth/discord-settings";
import { recordAudit } from "../audit/record";
import { db } from "../db/client";
import { withCommunity } from "../db/scopes";
import { serverEnv } from "../env";
import { connectBot } from "./bot-config";
import { botRest, permanentProblem } from "./bot-rest";
import { BOT_PERMISSIONS, platformBot } from "./platform-bot";
import { linkServer } from "./linked-servers";
import { ActionError } from "../core/errors";

export const INSTALL_COOKIE = "cos_bot_install";

export function botAuthorizeUrl(input: { applicationId: string; guildId: string; state: string; redirectUri: string }): string {
  const settings = discordSettings(serverEnv());
  const base = settings.mode === "off" ? "https://discord.com" : settings.oauthBase;
  const url = new URL(`${base}/oauth2/authorize`);
  url.search = new URLSearchParams({
    client_id: input.applicationId,
    scope: "bot applications.commands",
    permissions: BOT_PERMISSIONS.toString(),
    guild_id: input.guildId,
    disable_guild_select: "true",
    response_type: "code",
    redirect_uri: input.redirectUri,
    state: input.state,
  }).toString();
  return url.toString();
}

export type InstallOutcome = { ok: true } | { ok: false; code: "no_platform_bot" | "other_server" | "not_added" };

/**
 * After Discord sends the owner back: the bot must be in the community's own
 * server (a tampered guild_id, or a cancelled authorization, changes nothing).
 * Then the community uses the platform's bot.
 */
export async function confirmBotInstall(
  community: { id: string; discordGuildId: string },
  actorId: string,
  returned: { guildId: string | null; permissions: string | null },
  rest: (token: string) => REST = botRest,
): Promise<InstallOutcome> {
  const bot = platformBot();
  if (!bot) return { ok: false, code: "no_platform_bot" };
  if (returned.guildId !== community.discordGuildId) return { ok: false, code: "other_server" };
  try {
    const guild = (await rest(bot.token).get(Routes.guild(community.discordGuildId))) as RESTGetAPIGuildResult;
    if (guild.id !== community.discordGuildId) return { ok: false, code: "other_server" };
  } catch (error) {
    if (permanentProblem(error)) return { ok: false, code: "not_added" };
    throw error;
  }
  const permissions = /^\d{1,20}$/.test(returned.permissions ?? "") ? BigInt(returned.permissions!) : BOT_PERMISSIONS;
  await withCommunity(community.id, async (tx) => {
    await connectBot(tx, community.id, { usesPlatformBot: true, botTokenEncrypted: null, clientId: bot.applicationId, permissions, isActive: true });
    await recordAudit(tx, community.id, actorId, { action: "bot.added", objectType: "bot", details: { bot: "platform", permissions: permissions.toString() } });
  });
  return { ok: true };
}

/**
 * The platform's bot added to one of the owner's other servers, to link it.
 * The callback's guild_id is only what the browser brought back, so the owner
 * must still manage that server by their own Discord token (else anyone could
 * link a server where the platform's bot already serves someone else).
 */
export async function confirmServerInstall(
  community: { id: string; subscriptionTier: string },
  actorId: string,
  expected: string,
  returned: { guildId: string | null },
  rest: (token: string) => REST = botRest,
  manages?: (userId: string, guildId: string) => Promise<boolean>,
): Promise<InstallOutcome | { ok: false; code: "link_refused"; reason: string }> {
  if (returned.guildId !== expected) return { ok: false, code: "other_server" };
  try {
    const server = await linkServer(community, { id: actorId }, expected, { rest, manages });
    await withCommunity(community.id, (tx) =>
      recordAudit(tx, community.id, actorId, { action: "server.linked", objectType: "server", objectId: expected, details: { name: server.name } }),
    );
    return { ok: true };
  } catch (error) {
    // The refusal's code (SERVER_ERRORS) travels in the URL; the page says it in words.
    if (error instanceof ActionError) return { ok: false, code: "link_refused", reason: error.code ?? "unknown" };
    throw error;
  }
}

/** An owner's own bot, invited to a server of theirs (no redirect: they come back and link it). */
export function botInviteUrl(applicationId: string, guildId: string): string {
  const settings = discordSettings(serverEnv());
  const url = new URL(`${settings.mode === "off" ? "https://discord.com" : settings.oauthBase}/oauth2/authorize`);
  url.search = new URLSearchParams({
    client_id: applicationId,
    scope: "bot",
    permissions: BOT_PERMISSIONS.toString(),
    guild_id: guildId,
    disable_guild_select: "true",
  }).toString();
  return url.toString();
}

/** The owner's community for an install, by slug. */
export function communityForInstall(slug: string, ownerId: string) {
  return db.community.findFirst({ where: { slug, ownerId }, select: { id: true, slug: true, discordGuildId: true, subscriptionTier: true } });
}
