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
import { managedRoles, rolePlan, type RolePlan } from "./desired-roles";
import { addToGuild, type GuildStatus } from "./guild-join";
import { GUILD_STATUS_TEXT } from "./guild-status-text";

export type SyncOutcome = "synced" | "unchanged" | "no_bot" | "disabled" | "paused" | "not_a_member" | "not_in_guild" | PermanentProblem;
export type RoleSyncResult = { outcome: SyncOutcome; added: string[]; removed: string[]; roles: string[] | null; desired: string[]; error?: string };

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
  const desired = [...plan.desired];
  const skip = (outcome: SyncOutcome, error?: string) =>
    record(communityId, memberId, options, { outcome, added: [], removed: [], roles: null, desired, error });
  if (!bot) return skip("no_bot");
  const paused = botProblemOf(bot.settings);
  if (paused && BOT_WIDE.includes(paused)) return skip("paused", PROBLEM_HINTS[paused]);

  const rest = (options.rest ?? botRest)(bot.token);
  const added: string[] = [];
  const removed: string[] = [];
  let roles: string[] | null = null;
  let guildStatus: GuildStatus | undefined;
  try {
    const member = await guildMemberOrJoin(rest, community.discordGuildId, plan, { mayJoin: desired.length > 0 && bot.usesPlatformBot, now });
    guildStatus = member.status;
    if (!member.roles) {
      // Not in the server, and not added: nothing to grant now; the member's status says why.
      return record(
        communityId,
        memberId,
        options,
        { outcome: "not_in_guild", added: [], removed: [], roles: null, desired, error: GUILD_STATUS_TEXT[member.status] },
        undefined,
        member.status,
      );
    }
    roles = [...member.roles];
    const missing = desired.filter((r) => !roles!.includes(r));
    const unpaid = roles.filter((r) => plan.managed.has(r) && !plan.desired.has(r));
    if (options.detectOnly || !bot.autoRoleAssignment) {
      return record(
        communityId,
        memberId,
        options,
        { outcome: missing.length || unpaid.length ? "disabled" : "unchanged", added: [], removed: [], roles, desired },
        { missing, unpaid },
        guildStatus,
      );
    }
    const reason = `CommunityOS: ${options.reason}`.slice(0, 200);
    for (const role of missing) {
      await rest.put(Routes.guildMemberRole(community.discordGuildId, plan.discordUserId, role), { reason });
      added.push(role);
    }
    for (const role of unpaid) {
      await rest.delete(Routes.guildMemberRole(community.discordGuildId, plan.discordUserId, role), { reason });
      removed.push(role);
    }
    roles = [...roles.filter((r) => !removed.includes(r)), ...added];
    return record(
      communityId,
      memberId,
      options,
      { outcome: added.length || removed.length ? "synced" : "unchanged", added, removed, roles, desired },
      undefined,
      guildStatus,
    );
  } catch (error) {
    const problem = permanentProblem(error);
    // Transient (5xx after retries, network): the job fails and the queue retries it with backoff.
    if (!problem) throw error;
    const current = roles ? [...roles.filter((r) => !removed.includes(r)), ...added] : null;
    const missing = current ? desired.filter((r) => !current.includes(r)) : desired;
    const unpaid = current ? current.filter((r) => plan.managed.has(r) && !plan.desired.has(r)) : [];
    return record(
      communityId,
      memberId,
      options,
      { outcome: problem, added, removed, roles: current, desired, error: PROBLEM_HINTS[problem] },
      { missing, unpaid },
      problem === "unknown_member" ? "left" : guildStatus,
    );
  }
}

/**
 * The member as Discord has them in the server; someone who should have roles
 * but is not in it is added with their own grant when the platform's bot
 * serves the community (an owner's own bot cannot: Discord lets only the
 * application the member authorized add them).
 */
async function guildMemberOrJoin(
  rest: REST,
  guildId: string,
  plan: RolePlan,
  how: { mayJoin: boolean; now: Date },
): Promise<{ roles: string[] | null; status: GuildStatus }> {
  try {
    const member = (await rest.get(Routes.guildMember(guildId, plan.discordUserId))) as RESTGetAPIGuildMemberResult;
    return { roles: [...member.roles], status: "joined" };
  } catch (error) {
    if (permanentProblem(error) !== "unknown_member" || plan.desired.size === 0) throw error;
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
  drift?: { missing: string[]; unpaid: string[] },
  guildStatus?: GuildStatus,
): Promise<RoleSyncResult> {
  const now = options.now ?? new Date();
  const changed = result.added.length > 0 || result.removed.length > 0;
  const failed = !["synced", "unchanged", "disabled", "no_bot", "not_a_member", "not_in_guild"].includes(result.outcome);
  await withCommunity(communityId, async (tx) => {
    if (result.roles || guildStatus) {
      await tx.communityMember.update({
        where: rowKey(memberId),
        data: { ...(result.roles ? { roles: result.roles } : {}), ...(guildStatus ? { guildStatus, guildStatusAt: now } : {}) },
        select: { id: true },
      });
    }
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
    if (BOT_WIDE.includes(result.outcome as PermanentProblem)) await setBotProblem(tx, communityId, result.outcome as PermanentProblem);
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
  const { bot, tiers } = await withCommunity(communityId, async (tx) => ({
    bot: await activeBot(tx, communityId),
    tiers: await tx.subscriptionTier.findMany({ select: { discordRoleId: true, extraRoleIds: true } }),
  }));
  if (!bot) return [];
  const managed = managedRoles(tiers);
  if (bot.lapsedRoleId) managed.add(bot.lapsedRoleId);
  const rest = (options.rest ?? botRest)(bot.token);
  let roles: string[];
  try {
    roles = ((await rest.get(Routes.guildMember(community.discordGuildId, discordUserId))) as RESTGetAPIGuildMemberResult).roles;
  } catch (error) {
    if (permanentProblem(error) === "unknown_member") return [];
    throw error;
  }
  const removed: string[] = [];
  for (const role of roles.filter((r) => managed.has(r))) {
    await rest.delete(Routes.guildMemberRole(community.discordGuildId, discordUserId, role), {
      reason: "CommunityOS: the membership moved to another Discord account",
    });
    removed.push(role);
  }
  return removed;
}
