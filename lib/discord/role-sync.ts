// One member's Discord roles brought in line with what they pay for. Three
// steps, so no transaction is held open across Discord calls (docs/architecture.md, "Pitfalls"):
// read the plan in scope, talk to Discord, write the outcome in scope.
import { Routes, type RESTGetAPIGuildMemberResult } from "discord-api-types/v10";
import type { REST } from "@discordjs/rest";
import { db } from "../db/client";
import { withCommunity, rowKey } from "../db/scopes";
import { JOB_KINDS, enqueueJob } from "../jobs/enqueue";
import { activeBot } from "./bot-config";
import { botRest, permanentProblem, PROBLEM_HINTS, type PermanentProblem } from "./bot-rest";
import { botProblemOf, setBotProblem } from "./bot-problem";
import { managedRoles, rolePlan, serverPlans, type RolePlan } from "./desired-roles";
import { addToGuild, type GuildStatus } from "./guild-join";
import { GUILD_STATUS_TEXT } from "./guild-status-text";
import { linkedServers, markServerProblem, SERVER_WIDE, setServerStatus } from "./linked-servers";

export type SyncOutcome = "synced" | "unchanged" | "no_bot" | "disabled" | "paused" | "not_a_member" | "not_in_guild" | PermanentProblem;
export type RoleSyncResult = {
  outcome: SyncOutcome;
  added: string[];
  removed: string[];
  roles: string[] | null;
  desired: string[];
  error?: string;
  /** The linked server the outcome is about, when it is not the community's own. */
  server?: string;
};

/** Problems that concern the whole bot, not one member: further syncs wait for the owner. */
const BOT_WIDE: PermanentProblem[] = ["unauthorized", "unknown_guild", "missing_access"];

export type SyncOptions = {
  reason: string;
  /** Detect only: record drift without changing roles (auto role assignment off). */
  detectOnly?: boolean;
  /** Audit unchanged members too (a single sync does; a sweep over every member does not). */
  auditUnchanged?: boolean;
  rest?: (token: string) => REST;
  now?: Date;
};

export async function syncMemberRoles(communityId: string, memberId: string, options: SyncOptions): Promise<RoleSyncResult> {
  const now = options.now ?? new Date();
  const community = await db.community.findUniqueOrThrow({ where: { id: communityId }, select: { discordGuildId: true } });
  const prepared = await withCommunity(communityId, async (tx) => ({ bot: await activeBot(tx, communityId), plan: await rolePlan(tx, memberId, now) }));
  const { bot, plan } = prepared;
  if (!plan) return { outcome: "not_a_member", added: [], removed: [], roles: null, desired: [] };
  const desired = [...plan.desired, ...plan.servers.flatMap((s) => [...s.desired])];
  if (!bot) return record(communityId, memberId, options, { outcome: "no_bot", added: [], removed: [], roles: null, desired });
  const paused = botProblemOf(bot.settings);
  if (paused && BOT_WIDE.includes(paused))
    return record(communityId, memberId, options, { outcome: "paused", added: [], removed: [], roles: null, desired, error: PROBLEM_HINTS[paused] });

  const rest = (options.rest ?? botRest)(bot.token);
  const how = {
    reason: `CommunityOS: ${options.reason}`.slice(0, 200),
    detectOnly: !!options.detectOnly || !bot.autoRoleAssignment,
    mayJoin: bot.usesPlatformBot,
    now,
  };
  const own = await syncInServer(rest, community.discordGuildId, plan, plan, how);
  const servers: { guildId: string; name: string; result: ServerSync }[] = [];
  // A bad token fails everywhere alike: the own server's answer stands for all.
  if (own.outcome !== "unauthorized") {
    for (const server of plan.servers) servers.push({ ...server, result: await syncInServer(rest, server.guildId, server, plan, how) });
  }
  const all = [own, ...servers.map((s) => s.result)];
  // A server the bot lost is the server's problem, marked and skipped from now on (shown on
  // the Discord bot tab): not a failure, nor drift, once per member.
  const lost = servers.filter((s) => SERVER_WIDE.includes(s.result.outcome as PermanentProblem));
  const reached = [own, ...servers.filter((s) => !lost.includes(s)).map((s) => s.result)];
  // The own server's outcome stands, unless it went well and a linked server's did not.
  const blamed = FINE.includes(own.outcome) ? servers.find((s) => !lost.includes(s) && !FINE.includes(s.result.outcome)) : undefined;
  const changed = all.some((r) => r.added.length || r.removed.length);
  const outcome: SyncOutcome = blamed ? blamed.result.outcome : own.outcome === "unchanged" && changed ? "synced" : own.outcome;
  const error = blamed ? `In ${blamed.name}: ${blamed.result.error ?? blamed.result.outcome}` : own.error;
  const drift = { missing: reached.flatMap((r) => r.missing), unpaid: reached.flatMap((r) => r.unpaid) };
  return record(
    communityId,
    memberId,
    options,
    {
      outcome,
      added: all.flatMap((r) => r.added),
      removed: all.flatMap((r) => r.removed),
      // Every role we know the member holds, in any of the servers (role ids are unique across Discord).
      roles: own.roles || servers.some((s) => s.result.roles) ? all.flatMap((r) => r.roles ?? []) : null,
      desired,
      ...(error ? { error } : {}),
      ...(blamed ? { server: blamed.guildId } : {}),
    },
    {
      drift: own.checked || servers.some((s) => s.result.checked) ? drift : undefined,
      guildStatus: own.status,
      serverStatus: Object.fromEntries(servers.filter((s) => s.result.status).map((s) => [s.guildId, s.result.status!])),
      unreachable: lost.map((s) => ({ guildId: s.guildId, problem: s.result.outcome as PermanentProblem })),
    },
  );
}

/** Outcomes that leave nothing for the owner to fix. */
const FINE: SyncOutcome[] = ["synced", "unchanged", "disabled", "no_bot", "not_a_member", "not_in_guild"];

type ServerSync = {
  outcome: SyncOutcome;
  added: string[];
  removed: string[];
  roles: string[] | null;
  missing: string[];
  unpaid: string[];
  /** Whether Discord was asked which roles the member holds (drift can be told). */
  checked: boolean;
  status?: GuildStatus;
  error?: string;
};

/**
 * One server: the member as Discord has them there (added with their own grant
 * when the platform's bot may), then the missing roles granted and the unpaid
 * ones taken. Problems Discord answers for good come back as the outcome;
 * anything transient throws, and the job is retried.
 */
async function syncInServer(
  rest: REST,
  guildId: string,
  roles: { desired: Set<string>; managed: Set<string>; entitled?: boolean },
  plan: RolePlan,
  how: { reason: string; detectOnly: boolean; mayJoin: boolean; now: Date },
): Promise<ServerSync> {
  const desired = [...roles.desired];
  // Roles due here, or (the own server) paid access through a tier that grants no role.
  const belongs = desired.length > 0 || !!roles.entitled;
  const added: string[] = [];
  const removed: string[] = [];
  let held: string[] | null = null;
  let status: GuildStatus | undefined;
  try {
    const member = await guildMemberOrJoin(rest, guildId, plan, belongs, { mayJoin: belongs && how.mayJoin, now: how.now });
    status = member.status;
    // Not in the server, and not added: nothing to grant now; the member's status says why.
    if (!member.roles)
      return { outcome: "not_in_guild", added, removed, roles: null, missing: [], unpaid: [], checked: false, status, error: GUILD_STATUS_TEXT[member.status] };
    held = [...member.roles];
    const missing = desired.filter((r) => !held!.includes(r));
    const unpaid = held.filter((r) => roles.managed.has(r) && !roles.desired.has(r));
    if (how.detectOnly) {
      return { outcome: missing.length || unpaid.length ? "disabled" : "unchanged", added, removed, roles: held, missing, unpaid, checked: true, status };
    }
    for (const role of missing) {
      await rest.put(Routes.guildMemberRole(guildId, plan.discordUserId, role), { reason: how.reason });
      added.push(role);
    }
    for (const role of unpaid) {
      await rest.delete(Routes.guildMemberRole(guildId, plan.discordUserId, role), { reason: how.reason });
      removed.push(role);
    }
    const now = [...held.filter((r) => !removed.includes(r)), ...added];
    return { outcome: added.length || removed.length ? "synced" : "unchanged", added, removed, roles: now, missing: [], unpaid: [], checked: true, status };
  } catch (error) {
    const problem = permanentProblem(error);
    if (!problem) throw error;
    const current = held ? [...held.filter((r) => !removed.includes(r)), ...added] : null;
    return {
      outcome: problem,
      added,
      removed,
      roles: current,
      missing: current ? desired.filter((r) => !current.includes(r)) : desired,
      unpaid: current ? current.filter((r) => roles.managed.has(r) && !roles.desired.has(r)) : [],
      checked: true,
      status: problem === "unknown_member" ? "left" : status,
      error: PROBLEM_HINTS[problem],
    };
  }
}

/**
 * The member as Discord has them in the server; someone who belongs there but
 * is not in it is added with their own grant when the platform's bot serves
 * the community (an owner's own bot cannot: Discord lets only the application
 * the member authorized add them).
 */
async function guildMemberOrJoin(
  rest: REST,
  guildId: string,
  plan: RolePlan,
  belongs: boolean,
  how: { mayJoin: boolean; now: Date },
): Promise<{ roles: string[] | null; status: GuildStatus }> {
  try {
    const member = (await rest.get(Routes.guildMember(guildId, plan.discordUserId))) as RESTGetAPIGuildMemberResult;
    return { roles: [...member.roles], status: "joined" };
  } catch (error) {
    if (permanentProblem(error) !== "unknown_member" || !belongs) throw error;
  }
  if (!how.mayJoin) return { roles: null, status: "invite_needed" };
  const status = await addToGuild(rest, guildId, { userId: plan.userId, discordUserId: plan.discordUserId }, how.now.getTime());
  return { roles: status === "joined" ? [] : null, status };
}

/** Writes the outcome: the member's roles and place in the server, the audit row, the drift row, and tells the admin channel about failures. */
async function record(
  communityId: string,
  memberId: string,
  options: SyncOptions,
  result: RoleSyncResult,
  found: {
    drift?: { missing: string[]; unpaid: string[] };
    guildStatus?: GuildStatus;
    /** Where the member stands in each linked server Discord was asked about. */
    serverStatus?: Record<string, GuildStatus>;
    /** Linked servers the bot can no longer reach: skipped until the owner checks them. */
    unreachable?: { guildId: string; problem: PermanentProblem }[];
  } = {},
): Promise<RoleSyncResult> {
  const { drift, guildStatus, serverStatus = {}, unreachable = [] } = found;
  const now = options.now ?? new Date();
  const changed = result.added.length > 0 || result.removed.length > 0;
  const failed = !FINE.includes(result.outcome);
  await withCommunity(communityId, async (tx) => {
    if (result.roles || guildStatus) {
      await tx.communityMember.update({
        where: rowKey(memberId),
        data: { ...(result.roles ? { roles: result.roles } : {}), ...(guildStatus ? { guildStatus, guildStatusAt: now } : {}) },
        select: { id: true },
      });
    }
    if (Object.keys(serverStatus).length > 0) await setServerStatus(tx, communityId, memberId, serverStatus);
    for (const server of unreachable) await markServerProblem(tx, server.guildId, server.problem);
    if (changed || failed || options.auditUnchanged !== false) {
      await tx.discordRoleSync.create({
        data: {
          communityId,
          memberId,
          reason: options.reason.slice(0, 100),
          desiredRoles: result.desired,
          rolesBefore: result.roles ? [...result.roles.filter((r) => !result.added.includes(r)), ...result.removed] : [],
          added: result.added,
          removed: result.removed,
          outcome: result.outcome,
          error: result.error ?? null,
        },
        select: { id: true },
      });
    }
    const open = await tx.discordRoleDrift.findFirst({ where: { memberId, resolvedAt: null }, select: { id: true } });
    const disagree = drift && (drift.missing.length > 0 || drift.unpaid.length > 0);
    if (disagree) {
      const data = { missingRoles: drift.missing, unpaidRoles: drift.unpaid, lastError: result.error ?? null };
      if (open) await tx.discordRoleDrift.update({ where: rowKey(open.id), data, select: { id: true } });
      else await tx.discordRoleDrift.create({ data: { communityId, memberId, ...data }, select: { id: true } });
    } else if (open && (result.outcome === "synced" || result.outcome === "unchanged")) {
      await tx.discordRoleDrift.update({ where: rowKey(open.id), data: { resolvedAt: now, lastError: null }, select: { id: true } });
    } else if (!open && changed && options.reason.startsWith("reconcile")) {
      // Drift a sweep found and fixed at once: kept as history.
      await tx.discordRoleDrift.create({
        data: { communityId, memberId, missingRoles: result.added, unpaidRoles: result.removed, detectedAt: now, resolvedAt: now },
        select: { id: true },
      });
    }
    if (!result.server && BOT_WIDE.includes(result.outcome as PermanentProblem)) await setBotProblem(tx, communityId, result.outcome as PermanentProblem);
    if (result.removed.length > 0 && result.desired.length === 0) {
      await enqueueJob(tx, JOB_KINDS.farewell, { communityId, memberId }, { key: `farewell:${memberId}` });
    }
    if (failed && result.outcome !== "paused" && result.outcome !== "unknown_member") {
      await enqueueJob(tx, JOB_KINDS.syncFailed, { communityId, memberId, problem: result.outcome }, { key: `sync_failed:${communityId}:${result.outcome}` });
    }
  });
  return result;
}

/**
 * Takes every role a tier grants from a Discord account that no longer holds
 * the membership (it moved to another account). Someone not in the server has
 * nothing to take.
 */
export async function revokeManagedRoles(communityId: string, discordUserId: string, options: { rest?: (token: string) => REST } = {}): Promise<string[]> {
  const community = await db.community.findUniqueOrThrow({ where: { id: communityId }, select: { discordGuildId: true } });
  const { bot, tiers, servers } = await withCommunity(communityId, async (tx) => ({
    bot: await activeBot(tx, communityId),
    tiers: await tx.subscriptionTier.findMany({ select: { discordRoleId: true, extraRoleIds: true, serverRoles: true } }),
    servers: await linkedServers(tx),
  }));
  if (!bot) return [];
  const managed = managedRoles(tiers);
  if (bot.lapsedRoleId) managed.add(bot.lapsedRoleId);
  // Nothing is paid for any more: every role any tier grants, in every server the bot reaches.
  const everywhere = [{ guildId: community.discordGuildId, managed }, ...serverPlans(servers, tiers, [])];
  const rest = (options.rest ?? botRest)(bot.token);
  const removed: string[] = [];
  for (const { guildId, managed: ours } of everywhere) {
    if (ours.size === 0) continue;
    let roles: string[];
    try {
      roles = ((await rest.get(Routes.guildMember(guildId, discordUserId))) as RESTGetAPIGuildMemberResult).roles;
    } catch (error) {
      if (permanentProblem(error) === "unknown_member") continue;
      throw error;
    }
    for (const role of roles.filter((r) => ours.has(r))) {
      await rest.delete(Routes.guildMemberRole(guildId, discordUserId, role), { reason: "CommunityOS: the membership moved to another Discord account" });
      removed.push(role);
    }
  }
  return removed;
}
