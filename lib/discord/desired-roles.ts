import { inTurn, type TenantTx, rowKey } from "../db/scopes";
import { lapseStage } from "../billing/lapse";
import { grantInForce } from "../billing/grants";
import { FULL_ACCESS } from "../billing/member-standing";
import { linkedServers } from "./linked-servers";
import { tierRolesIn } from "../tiers/server-roles";

export type RolePlan = {
  discordUserId: string;
  /** The person behind the membership (their Discord grant adds them to the server). */
  userId: string;
  /** Roles the member's paid tiers grant now. */
  desired: Set<string>;
  /** Every role any tier grants, and the lapsed role: the only roles we ever add or remove. */
  managed: Set<string>;
  /** Whether the member has paid access now (a tier may grant no role: they belong in the server all the same). */
  entitled: boolean;
  /** The same for each linked server the bot can reach (lib/discord/linked-servers.ts). */
  servers: ServerPlan[];
};
export type ServerPlan = { guildId: string; name: string; desired: Set<string>; managed: Set<string> };

type TierRoles = { discordRoleId: string | null; extraRoleIds: string[] };
/** The roles one tier grants: its role and its extra roles. */
export const tierRoles = (tier: TierRoles) => [tier.discordRoleId, ...tier.extraRoleIds].filter((r): r is string => !!r);

/** Every role any tier grants: the only roles CommunityOS ever adds or removes. */
export function managedRoles(tiers: TierRoles[]): Set<string> {
  return new Set(tiers.flatMap(tierRoles));
}

/**
 * The roles a member should hold, from our rows alone: the roles of the tiers
 * of their subscriptions that give access (active, trialing, or past due
 * within the grace period), of the passes they bought and of the tiers the
 * owner gave them for free, the community's lapsed role instead while a failed
 * payment is in its restricted stage, none while a payment is disputed or once
 * the member was removed or erased.
 */
export async function rolePlan(tx: TenantTx, memberId: string, now: Date): Promise<RolePlan | null> {
  const [member, tiers, subscriptions, bot, comps, servers] = await inTurn(
    () => tx.communityMember.findUnique({ where: rowKey(memberId), select: { discordUserId: true, userId: true, subscriptionStatus: true, isActive: true } }),
    () => tx.subscriptionTier.findMany({ select: { id: true, name: true, discordRoleId: true, extraRoleIds: true, serverRoles: true } }),
    () =>
      tx.subscription.findMany({
        where: { memberId, duplicateOf: null },
        select: { status: true, tierId: true, tierName: true, gracePeriodEndsAt: true, restrictedUntil: true, currentPeriodEnd: true },
      }),
    () => tx.discordBotConfig.findFirst({ select: { lapsedRoleId: true } }),
    // Passes bought and tiers the owner gave for free, still in force (a refunded pass is not).
    () =>
      tx.accessGrant.findMany({
        where: { memberId, ...grantInForce(now) },
        select: { tierId: true },
      }),
    () => linkedServers(tx),
  );
  // An erased member's Discord id is gone once their roles were removed.
  if (!member || !member.discordUserId) return null;
  const managed = managedRoles(tiers);
  const lapsedRole = bot?.lapsedRoleId ?? null;
  if (lapsedRole) managed.add(lapsedRole);
  const desired = new Set<string>();
  const paidTiers: typeof tiers = [];
  // A removed or erased member holds no paid role, whatever their rows say.
  if (member.subscriptionStatus !== "suspended" && member.isActive) {
    let restricted = false;
    for (const sub of subscriptions) {
      const stage = lapseStage(sub, now);
      if (stage === "restricted") restricted = true;
      if (!FULL_ACCESS.includes(sub.status) && stage !== "grace") continue;
      const tier = tiers.find((t) => (sub.tierId ? t.id === sub.tierId : t.name === sub.tierName));
      if (tier) paidTiers.push(tier);
    }
    for (const comp of comps) {
      const tier = tiers.find((t) => t.id === comp.tierId);
      if (tier) paidTiers.push(tier);
    }
    for (const tier of paidTiers) for (const role of tierRoles(tier)) desired.add(role);
    // The lapsed role only while no paid role is due (a member may pay again on another subscription).
    if (restricted && lapsedRole && desired.size === 0) desired.add(lapsedRole);
  }
  return {
    discordUserId: member.discordUserId,
    userId: member.userId,
    desired,
    managed,
    entitled: paidTiers.length > 0,
    servers: serverPlans(servers, tiers, paidTiers),
  };
}

/** Per linked server the bot can reach: the roles any tier grants there, and those the member's paid tiers do. */
export function serverPlans(
  servers: { guildId: string; name: string; problem: string | null }[],
  tiers: { serverRoles: unknown }[],
  paid: { serverRoles: unknown }[],
): ServerPlan[] {
  const rolesIn = (guildId: string, of: { serverRoles: unknown }[]) => new Set(of.flatMap((t) => tierRolesIn(t, guildId)));
  return servers
    .filter((s) => !s.problem)
    .map((s) => ({ guildId: s.guildId, name: s.name, desired: rolesIn(s.guildId, paid), managed: rolesIn(s.guildId, tiers) }))
    .filter((s) => s.managed.size > 0);
}
