// The server as the community's bot sees it now: its roles (name, colour,
// place in the hierarchy, whether the bot may hand them out) and its text
// channels. Owners pick roles and channels from this by name; what they save
// is checked against it, so no tier names a role that is missing or out of
// the bot's reach.
import { ChannelType, PermissionFlagsBits, Routes, type APIRole, type RESTGetAPIGuildMemberResult, type RESTGetAPIUserResult } from "discord-api-types/v10";
import type { REST } from "@discordjs/rest";
import { db } from "../db/client";
import { withCommunity } from "../db/scopes";
import { TokenDecryptionError } from "../crypto/token-box";
import { activeBot, PlatformBotUnavailableError } from "./bot-config";
import { linkedServers, type LinkedServer } from "./linked-servers";
import { botRest, permanentProblem, PROBLEM_HINTS, type PermanentProblem } from "./bot-rest";

export type GuildRole = {
  id: string;
  name: string;
  color: string | null;
  position: number;
  /** The bot may give and take it: below the bot's highest role, not @everyone, not an integration's. */
  assignable: boolean;
  /** Why not, in plain words. */
  reason: string | null;
};
export type GuildChannel = { id: string; name: string };
export type GuildCatalog =
  | { ok: true; roles: GuildRole[]; channels: GuildChannel[]; canManageRoles: boolean; botRoleName: string | null }
  | { ok: false; problem: PermanentProblem | "no_bot"; message: string };

const roleColor = (role: APIRole) => (role.color ? `#${role.color.toString(16).padStart(6, "0")}` : null);

const NO_BOT = "Add the bot to your server first (Discord bot tab): roles and channels are listed from the server itself.";

/** Reads roles and channels with the bot's token: Discord is asked, never our copy. */
export async function readGuildCatalog(token: string, guildId: string, rest: (token: string) => REST = botRest): Promise<GuildCatalog> {
  const client = rest(token);
  try {
    const me = (await client.get(Routes.user())) as RESTGetAPIUserResult;
    const [roles, channels, member] = [
      (await client.get(Routes.guildRoles(guildId))) as APIRole[],
      (await client.get(Routes.guildChannels(guildId))) as { id: string; name: string | null; type: ChannelType; position: number }[],
      (await client.get(Routes.guildMember(guildId, me.id))) as RESTGetAPIGuildMemberResult,
    ];
    const botRoles = roles.filter((r) => member.roles.includes(r.id));
    const top = Math.max(0, ...botRoles.map((r) => r.position));
    const topRole = botRoles.find((r) => r.position === top) ?? null;
    const permissions = [roles.find((r) => r.id === guildId), ...botRoles].reduce((acc, r) => acc | BigInt(r?.permissions ?? "0"), 0n);
    const canManageRoles = (permissions & (PermissionFlagsBits.Administrator | PermissionFlagsBits.ManageRoles)) !== 0n;
    return {
      ok: true,
      canManageRoles,
      botRoleName: topRole?.name ?? null,
      roles: roles
        .filter((r) => r.id !== guildId)
        .sort((a, b) => b.position - a.position)
        .map((r) => {
          const reason = r.managed
            ? "belongs to an integration (a bot or booster role); Discord does not let anyone hand it out"
            : r.position >= top
              ? `sits above the bot's role “${topRole?.name ?? "bot"}”. In Server Settings → Roles, drag the bot's role above it`
              : !canManageRoles
                ? "cannot be handed out: the bot lacks the Manage Roles permission"
                : null;
          return { id: r.id, name: r.name, color: roleColor(r), position: r.position, assignable: reason === null, reason };
        }),
      channels: channels
        .filter((c) => c.type === ChannelType.GuildText || c.type === ChannelType.GuildAnnouncement)
        .sort((a, b) => a.position - b.position)
        .map((c) => ({ id: c.id, name: c.name ?? c.id })),
    };
  } catch (error) {
    const problem = permanentProblem(error);
    if (!problem) throw error;
    return { ok: false, problem, message: PROBLEM_HINTS[problem] };
  }
}

const UNREADABLE = "The bot's saved token can't be opened (the encryption keys changed). Save the bot's token again, or add the CommunityOS bot.";

/** The community's active bot and server, or why there is none to act with. */
async function botOfCommunity(communityId: string): Promise<{ token: string; guildId: string } | { problem: "no_bot"; message: string }> {
  const { discordGuildId } = await db.community.findUniqueOrThrow({ where: { id: communityId }, select: { discordGuildId: true } });
  try {
    const bot = await withCommunity(communityId, (tx) => activeBot(tx, communityId));
    return bot ? { token: bot.token, guildId: discordGuildId } : { problem: "no_bot", message: NO_BOT };
  } catch (error) {
    if (error instanceof TokenDecryptionError || error instanceof PlatformBotUnavailableError)
      return { problem: "no_bot", message: error instanceof TokenDecryptionError ? UNREADABLE : NO_BOT };
    throw error;
  }
}

/** Each linked server as the community's bot sees it (lib/discord/linked-servers.ts), one catalog per server. */
export async function linkedServerCatalogs(communityId: string, rest?: (token: string) => REST): Promise<(LinkedServer & { catalog: GuildCatalog })[]> {
  const servers = await withCommunity(communityId, (tx) => linkedServers(tx));
  if (servers.length === 0) return [];
  const bot = await botOfCommunity(communityId);
  return Promise.all(
    servers.map(async (s) => ({
      ...s,
      catalog: "problem" in bot ? ({ ok: false, ...bot } as const) : await readGuildCatalog(bot.token, s.guildId, rest),
    })),
  );
}

/** The community's server through its active bot, or why it cannot be read. */
export async function communityGuildCatalog(communityId: string, rest?: (token: string) => REST): Promise<GuildCatalog> {
  const bot = await botOfCommunity(communityId);
  if ("problem" in bot) return { ok: false, ...bot };
  return readGuildCatalog(bot.token, bot.guildId, rest);
}

/**
 * The server's roles by id, for showing a member's roles by name: one request
 * (the whole catalog would ask Discord four times). Empty when Discord can't be asked.
 */
export async function communityRoleNames(
  communityId: string,
  rest: (token: string) => REST = botRest,
): Promise<Record<string, { name: string; color: string | null }>> {
  const bot = await botOfCommunity(communityId);
  if ("problem" in bot) return {};
  const servers = await withCommunity(communityId, (tx) => linkedServers(tx));
  const named = await Promise.all(
    [{ guildId: bot.guildId, name: null }, ...servers.filter((s) => !s.problem)].map(async (server) => {
      try {
        const roles = (await rest(bot.token).get(Routes.guildRoles(server.guildId))) as APIRole[];
        // A linked server's role says where it is: two servers may both have a "Supporter".
        return roles.map((r) => [r.id, { name: server.name ? `${r.name} (${server.name})` : r.name, color: roleColor(r) }] as const);
      } catch (error) {
        if (permanentProblem(error)) return [];
        throw error;
      }
    }),
  );
  return Object.fromEntries(named.flat());
}

/** Why a role a tier names cannot be saved, or null when it is fine. */
export function roleProblem(catalog: Extract<GuildCatalog, { ok: true }>, roleId: string): string | null {
  const role = catalog.roles.find((r) => r.id === roleId);
  if (!role) return "is not a role of your server (it was deleted, or belongs to another server). Pick one from the list";
  return role.assignable ? null : `“${role.name}” ${role.reason}`;
}

/**
 * "Create a role for this tier": a new role, named after the tier, made by the
 * bot. Discord places a new role at the bottom, below the bot's, so the bot can
 * always hand it out.
 */
export async function createRoleForTier(communityId: string, name: string, rest: (token: string) => REST = botRest): Promise<GuildRole | { error: string }> {
  const bot = await botOfCommunity(communityId);
  if ("problem" in bot) return { error: bot.message };
  try {
    const role = (await rest(bot.token).post(Routes.guildRoles(bot.guildId), {
      body: { name: name.slice(0, 100), mentionable: false },
      reason: "CommunityOS: a role for a membership tier",
    })) as APIRole;
    return { id: role.id, name: role.name, color: null, position: role.position, assignable: true, reason: null };
  } catch (error) {
    const problem = permanentProblem(error);
    if (!problem) throw error;
    return { error: PROBLEM_HINTS[problem] };
  }
}
