// Several servers per community: besides its own server, a community may link
// other Discord servers its owner runs; its bot (the same application) must be
// in each, and a tier can grant a role in each. Role sync, drift and rejoin then
// work per server (role-sync.ts, gateway-watch.ts). A server Discord says the
// bot can no longer reach is marked and skipped until the owner checks it again,
// so one lost server does not pause the community's own.
import { Routes, type RESTGetAPIGuildResult } from "discord-api-types/v10";
import type { REST } from "@discordjs/rest";
import { refusal } from "../core/errors";
import { withCommunity, rowKey, type TenantTx } from "../db/scopes";
import { planAllows } from "../billing/plans";
import { db } from "../db/client";
import { JOB_KINDS, enqueueJob } from "../jobs/enqueue";
import { activeBot } from "./bot-config";
import { checkBot } from "./check-bot";
import { botRest, permanentProblem, PROBLEM_HINTS, type PermanentProblem } from "./bot-rest";
import { DiscordUnavailableError, listManageableGuilds } from "./user-guilds";
import { tierRolesIn } from "../tiers/server-roles";

/** At most this many servers besides the community's own. */
export const MAX_LINKED_SERVERS = 10;

export type LinkedServer = { id: string; guildId: string; name: string; problem: string | null };

export function linkedServers(tx: TenantTx): Promise<LinkedServer[]> {
  return tx.communityServer.findMany({ orderBy: { createdAt: "asc" }, select: { id: true, guildId: true, name: true, problem: true } });
}

/** Problems that mean the bot cannot act in the server at all: the server is marked and skipped. */
export const SERVER_WIDE: PermanentProblem[] = ["unknown_guild", "missing_access"];

export const SERVER_ERRORS = {
  plan: "Granting roles in several servers is part of the Pro plan. Upgrade on the Payouts tab.",
  own_server: "That is this community's own server.",
  not_yours: "You can only link servers you manage on Discord (Manage Server).",
  unlisted: "Discord didn't say which servers you manage. Sign out, sign in with Discord again, and retry.",
  already: "That server is already linked.",
  too_many: `A community can link at most ${MAX_LINKED_SERVERS} servers.`,
  no_bot: "Set up this community's bot first (Discord bot tab).",
  bot_missing: "The bot is not in that server yet. Add it there first, then link the server.",
  unknown: "That server is not linked to this community.",
} as const;

type Actor = { id: string };

/** Whether the community's bot is in the server, and the server's name as Discord has it. */
export async function botSeesServer(
  token: string,
  guildId: string,
  rest: (token: string) => REST = botRest,
): Promise<{ ok: true; name: string } | { ok: false; problem: PermanentProblem }> {
  try {
    const guild = (await rest(token).get(Routes.guild(guildId))) as RESTGetAPIGuildResult;
    return { ok: true, name: guild.name.slice(0, 100) };
  } catch (error) {
    const problem = permanentProblem(error);
    if (!problem) throw error;
    return { ok: false, problem };
  }
}

/**
 * Links a server the actor manages on Discord, once the community's bot is
 * confirmed in it. `manages` is the actor's own say (their Discord token's list
 * of servers); the platform-bot install callback has Discord's word instead.
 */
export async function linkServer(
  community: { id: string; subscriptionTier: string },
  actor: Actor,
  guildId: string,
  options: { rest?: (token: string) => REST; manages?: (userId: string, guildId: string) => Promise<boolean> } = {},
): Promise<LinkedServer> {
  if (!planAllows(community.subscriptionTier, "servers")) throw refusal(SERVER_ERRORS, "plan");
  const { discordGuildId } = await db.community.findUniqueOrThrow({ where: { id: community.id }, select: { discordGuildId: true } });
  if (guildId === discordGuildId) throw refusal(SERVER_ERRORS, "own_server");
  const manages = options.manages ?? (async (userId, id) => (await listManageableGuilds(userId)).some((g) => g.id === id));
  const managed = await manages(actor.id, guildId).catch((error: unknown) => {
    if (error instanceof DiscordUnavailableError) throw refusal(SERVER_ERRORS, "unlisted");
    throw error;
  });
  if (!managed) throw refusal(SERVER_ERRORS, "not_yours");
  const { bot, linked } = await withCommunity(community.id, async (tx) => ({ bot: await activeBot(tx, community.id), linked: await linkedServers(tx) }));
  if (!bot) throw refusal(SERVER_ERRORS, "no_bot");
  if (linked.some((s) => s.guildId === guildId)) throw refusal(SERVER_ERRORS, "already");
  if (linked.length >= MAX_LINKED_SERVERS) throw refusal(SERVER_ERRORS, "too_many");
  const seen = await botSeesServer(bot.token, guildId, options.rest);
  if (!seen.ok) throw refusal(SERVER_ERRORS, "bot_missing");
  return withCommunity(community.id, (tx) =>
    tx.communityServer.create({
      data: { communityId: community.id, guildId, name: seen.name },
      select: { id: true, guildId: true, name: true, problem: true },
    }),
  );
}

/**
 * Unlinks a server: its roles leave every tier, and CommunityOS stops managing
 * roles there (roles it gave stay; Discord is not asked to take them).
 */
export async function unlinkServer(tx: TenantTx, serverId: string): Promise<{ guildId: string; name: string }> {
  const server = await tx.communityServer.findUnique({ where: rowKey(serverId), select: { guildId: true, name: true } });
  if (!server) throw refusal(SERVER_ERRORS, "unknown");
  await tx.communityServer.delete({ where: rowKey(serverId) });
  // One statement for every tier: the roles of that server dropped from server_roles.
  await tx.$executeRaw`
    UPDATE subscription_tiers
       SET server_roles = COALESCE((SELECT jsonb_agg(r) FROM jsonb_array_elements(server_roles) r WHERE r->>'guildId' <> ${server.guildId}), '[]'::jsonb)
     WHERE server_roles @> ${JSON.stringify([{ guildId: server.guildId }])}::jsonb`;
  await tx.$executeRaw`UPDATE community_members SET server_status = server_status - ${server.guildId}::text WHERE server_status ? ${server.guildId}::text`;
  return server;
}

/**
 * "Check again": asks Discord whether the bot can reach the server (clearing or
 * setting its mark, and sweeping the members when it can), then checks there
 * what role sync needs, as "Check bot" does for the own server: Manage Roles,
 * and the bot's role above every tier role of that server.
 */
export async function checkServer(communityId: string, serverId: string, rest?: (token: string) => REST): Promise<{ ok: boolean; message: string }> {
  const { bot, server, tiers } = await withCommunity(communityId, async (tx) => ({
    bot: await activeBot(tx, communityId),
    server: await tx.communityServer.findUnique({ where: rowKey(serverId), select: { guildId: true, name: true } }),
    tiers: await tx.subscriptionTier.findMany({ where: { isActive: true }, select: { name: true, serverRoles: true } }),
  }));
  if (!server) throw refusal(SERVER_ERRORS, "unknown");
  if (!bot) throw refusal(SERVER_ERRORS, "no_bot");
  const seen = await botSeesServer(bot.token, server.guildId, rest);
  await withCommunity(communityId, async (tx) => {
    await tx.communityServer.update({
      where: rowKey(serverId),
      data: seen.ok ? { problem: null, name: seen.name } : { problem: seen.problem },
      select: { id: true },
    });
    if (seen.ok) await enqueueJob(tx, JOB_KINDS.reconcile, { communityId }, { key: `reconcile:${communityId}` });
  });
  if (!seen.ok) return { ok: false, message: PROBLEM_HINTS[seen.problem] };
  const rolesThere = tiers.flatMap((t) => tierRolesIn(t, server.guildId).map((roleId) => ({ tier: t.name, roleId })));
  const check = await checkBot(bot.token, server.guildId, rolesThere, rest);
  return check.ok
    ? { ok: true, message: `The bot can act in ${seen.name}. Members' roles there are being brought up to date.` }
    : { ok: false, message: `In ${seen.name}: ${check.problems.join(" ")}` };
}

/** Where a member stands in linked servers, merged into what we knew: { "<guild id>": status }. */
export async function setServerStatus(tx: TenantTx, communityId: string, memberId: string, statuses: Record<string, string>): Promise<void> {
  await tx.$executeRaw`UPDATE community_members SET server_status = server_status || ${JSON.stringify(statuses)}::jsonb
    WHERE community_id = ${communityId}::uuid AND id = ${memberId}::uuid`;
}

/** Marks a server the bot can no longer reach (found during a sync): later syncs skip it. */
export async function markServerProblem(tx: TenantTx, guildId: string, problem: PermanentProblem): Promise<void> {
  await tx.communityServer.updateMany({ where: { guildId }, data: { problem } });
}

/** The communities a server is linked to, for the gateway's "someone joined server G" (no scope needed: the registry's mirror). */
export function communitiesLinking(guildId: string): Promise<{ id: string }[]> {
  return db.community.findMany({ where: { linkedGuildIds: { has: guildId }, status: { not: "archived" } }, select: { id: true } });
}
