// Several servers per community (issue 19, part 2), against the honest fake
// Discord: an owner links another server of theirs (the bot must be in it), a
// tier grants a role there too, and role sync, drift and rejoin work per server.
// A server the bot loses is marked and skipped without pausing the own server.
import { afterAll, describe, expect, it } from "vitest";
import { refreshMember } from "../lib/billing/member-refresh";
import { portalMemberships } from "../lib/billing/portal-read";
import { db } from "../lib/db/client";
import { rowKey, withCommunity, type TenantTx } from "../lib/db/scopes";
import { updateTier } from "../lib/tiers/service";
import { botProblemOf } from "../lib/discord/bot-problem";
import { onGuildMember } from "../lib/discord/gateway-watch";
import { checkServer, linkServer, SERVER_ERRORS, unlinkServer } from "../lib/discord/linked-servers";
import { confirmServerInstall } from "../lib/discord/bot-install";
import { reconcileCommunity } from "../lib/discord/reconcile";
import { syncMemberRoles } from "../lib/discord/role-sync";
import { checkTierRoles } from "../lib/tiers/discord-roles";
import { tierInputSchema } from "../lib/tiers/validation";
import { createCommunity, createUser, snowflake, queuedJobs } from "./support/fixtures";
import { withFakeDiscord } from "./support/fake-discord-control";
import { tierForm } from "./support/tier-form";
import { payingMemberRows } from "./support/paying-member";

const { rest, control, guildState } = withFakeDiscord();
const manages = async () => true;

afterAll(async () => {
  await db.$disconnect();
});

/** A Pro community on the platform's bot with its own server, a second server of the owner's, and a paying member who signed in with guilds.join. */
async function setup(options: { plan?: "pro" | "free" } = {}) {
  const owner = await createUser("servers_owner");
  const { id: communityId, slug } = await createCommunity(owner.id);
  await db.community.update({ where: { id: communityId }, data: { subscriptionTier: options.plan ?? "pro" } });
  const { discordGuildId: ownGuild } = await db.community.findUniqueOrThrow({ where: { id: communityId }, select: { discordGuildId: true } });
  const otherGuild = snowflake();
  const ownRole = snowflake();
  const otherRole = snowflake();
  await control("guilds", { id: ownGuild, roles: [{ id: ownRole, name: "Gold" }] });
  await control("guilds", { id: otherGuild, name: "Second Server", ownerId: owner.discordId, roles: [{ id: otherRole, name: "Gold there" }] });
  const user = await createUser("servers_member");
  const grant = await control<{ access_token: string; refresh_token: string; expires_at: number; scope: string }>("oauth/grant", {
    userId: user.discordId,
    scope: "identify email guilds guilds.join",
  });
  await db.account.create({ data: { userId: user.id, type: "oidc", provider: "discord", providerAccountId: user.discordId, ...grant } });
  const { memberId, tierId } = await payingMemberRows(communityId, user, { roleId: ownRole });
  const community = { id: communityId, subscriptionTier: options.plan ?? "pro" };
  /** Links the second server and has the tier grant its role there. */
  async function linkAndGrant() {
    const server = await linkServer(community, owner, otherGuild, { rest, manages });
    await withCommunity(communityId, (tx) =>
      tx.subscriptionTier.update({ where: rowKey(tierId), data: { serverRoles: [{ guildId: otherGuild, roleId: otherRole }] } }),
    );
    return server;
  }
  const sync = (reason = "paid") => syncMemberRoles(communityId, memberId, { reason, rest });
  const member = () =>
    withCommunity(communityId, (tx) =>
      tx.communityMember.findUniqueOrThrow({ where: rowKey(memberId), select: { roles: true, guildStatus: true, serverStatus: true } }),
    );
  return { owner, user, community, slug, communityId, memberId, tierId, ownGuild, otherGuild, ownRole, otherRole, linkAndGrant, sync, member };
}

type Setup = Awaited<ReturnType<typeof setup>>;
const rolesIn = async (s: Setup, guildId: string) => (await guildState(guildId)).members[s.user.discordId];

async function lapse(s: Setup) {
  await withCommunity(s.communityId, async (tx) => {
    await tx.subscription.updateMany({ where: { memberId: s.memberId }, data: { status: "canceled", canceledAt: new Date() } });
    await refreshMember(tx, s.memberId, new Date());
  });
}

const queuedKinds = async (communityId: string) => (await queuedJobs(communityId)).map((j) => j.kind);

describe("linking another server", () => {
  it("needs the bot in it, a server the actor manages, not the own one, once; the registry mirrors the link for the gateway", async () => {
    const s = await setup();
    await control(`guilds/${s.otherGuild}/bot`, { inGuild: false });
    await expect(linkServer(s.community, s.owner, s.otherGuild, { rest, manages })).rejects.toThrow(SERVER_ERRORS.bot_missing);
    await control(`guilds/${s.otherGuild}/bot`, { inGuild: true });
    await expect(linkServer(s.community, s.owner, s.ownGuild, { rest, manages })).rejects.toThrow(SERVER_ERRORS.own_server);
    await expect(linkServer(s.community, s.owner, s.otherGuild, { rest, manages: async () => false })).rejects.toThrow(SERVER_ERRORS.not_yours);
    expect(await withCommunity(s.communityId, (tx) => tx.communityServer.count())).toBe(0);

    const server = await linkServer(s.community, s.owner, s.otherGuild, { rest, manages });
    expect(server).toMatchObject({ guildId: s.otherGuild, name: "Second Server", problem: null });
    await expect(linkServer(s.community, s.owner, s.otherGuild, { rest, manages })).rejects.toThrow(SERVER_ERRORS.already);
    expect((await db.community.findUniqueOrThrow({ where: { id: s.communityId }, select: { linkedGuildIds: true } })).linkedGuildIds).toEqual([s.otherGuild]);
  });

  it("through the bot's authorization, the server must still be one the owner manages (the callback's guild_id is the browser's word)", async () => {
    const s = await setup();
    const stranger = snowflake();
    // Someone else's server where the platform's bot already serves another community.
    await control("guilds", { id: stranger, name: "Not Yours" });
    expect(await confirmServerInstall(s.community, s.owner.id, stranger, { guildId: stranger }, rest, async () => false)).toEqual({
      ok: false,
      code: "link_refused",
      reason: "not_yours",
    });
    // Without a Discord grant to list their servers, nothing is assumed.
    expect(await confirmServerInstall(s.community, s.owner.id, stranger, { guildId: stranger }, rest)).toEqual({
      ok: false,
      code: "link_refused",
      reason: "unlisted",
    });
    expect(await confirmServerInstall(s.community, s.owner.id, s.otherGuild, { guildId: stranger }, rest, manages)).toEqual({
      ok: false,
      code: "other_server",
    });
    expect(await withCommunity(s.communityId, (tx) => tx.communityServer.count())).toBe(0);
    expect(await confirmServerInstall(s.community, s.owner.id, s.otherGuild, { guildId: s.otherGuild }, rest, manages)).toEqual({ ok: true });
    const audit = await withCommunity(s.communityId, (tx) => tx.auditLog.findFirstOrThrow({ where: { action: "server.linked" } }));
    expect(audit).toMatchObject({ actorUserId: s.owner.id, objectId: s.otherGuild });
  });

  it("a tier whose roles change has its members swept at once; a save that changes no role queues nothing", async () => {
    const s = await setup();
    await linkServer(s.community, s.owner, s.otherGuild, { rest, manages });
    const ref = { id: s.communityId, slug: s.slug, name: "c", ownerId: s.owner.id, stripeAccountId: null, subscriptionTier: "pro" };
    const inScope = <T>(fn: (tx: TenantTx) => Promise<T>) => withCommunity(s.communityId, fn);
    const save = (serverRoles: string[]) =>
      updateTier(s.tierId, tierInputSchema.parse(tierForm({ name: "Gold", price: "5.00", discordRoleId: s.ownRole, serverRoles })), ref, inScope);
    const reconciles = async () => (await queuedKinds(s.communityId)).filter((k) => k === "discord:reconcile").length;
    await save([]);
    expect(await reconciles()).toBe(0);
    await save([`${s.otherGuild}:${s.otherRole}`]);
    expect(await reconciles()).toBe(1);
  });

  it("is a Pro feature when the operator's plans say so", async () => {
    const s = await setup({ plan: "free" });
    await expect(linkServer(s.community, s.owner, s.otherGuild, { rest, manages })).rejects.toThrow(SERVER_ERRORS.plan);
    expect(await withCommunity(s.communityId, (tx) => tx.communityServer.count())).toBe(0);
  });

  it("a tier may name only a role the bot can hand out in a linked server", async () => {
    const s = await setup();
    const input = (serverRoles: string[]) => tierInputSchema.parse(tierForm({ name: "Gold", price: "5.00", discordRoleId: s.ownRole, serverRoles }));
    // Not linked yet: refused with the field named.
    await expect(checkTierRoles(s.communityId, input([`${s.otherGuild}:${s.otherRole}`]))).rejects.toMatchObject({
      fieldErrors: { serverRoles: ["names a server that is not linked to this community"] },
    });
    await linkServer(s.community, s.owner, s.otherGuild, { rest, manages });
    await expect(checkTierRoles(s.communityId, input([`${s.otherGuild}:${s.otherRole}`]))).resolves.toBeUndefined();
    // A role of the own server offered as the other server's, and one above the bot there.
    await expect(checkTierRoles(s.communityId, input([`${s.otherGuild}:${s.ownRole}`]))).rejects.toMatchObject({
      fieldErrors: { serverRoles: [expect.stringMatching(/^in Second Server is not a role of your server/)] },
    });
    const high = snowflake();
    await control(`guilds/${s.otherGuild}/roles`, { id: high, name: "Admin there", position: 50 });
    await expect(checkTierRoles(s.communityId, input([`${s.otherGuild}:${high}`]))).rejects.toMatchObject({
      fieldErrors: { serverRoles: [expect.stringMatching(/sits above the bot's role/)] },
    });
    // Several roles in one server are one list (a role sent twice counts once); more than the
    // own server allows (11), or a malformed pair, never reach Discord.
    const pairs = (count: number) => Array.from({ length: count }, () => `${s.otherGuild}:${snowflake()}`);
    const two = tierInputSchema.parse(
      tierForm({ name: "G", price: "5.00", serverRoles: [`${s.otherGuild}:${s.otherRole}`, `${s.otherGuild}:${s.otherRole}`, `${s.otherGuild}:${high}`] }),
    );
    expect(two.serverRoles).toEqual([
      { guildId: s.otherGuild, roleId: s.otherRole },
      { guildId: s.otherGuild, roleId: high },
    ]);
    expect(tierInputSchema.safeParse(tierForm({ name: "G", price: "5.00", serverRoles: pairs(11) })).success).toBe(true);
    expect(tierInputSchema.safeParse(tierForm({ name: "G", price: "5.00", serverRoles: pairs(12) })).error?.issues[0]?.message).toBe(
      "at most 11 roles in each server",
    );
    expect(tierInputSchema.safeParse(tierForm({ name: "G", price: "5.00", serverRoles: ["not-a-pair"] })).success).toBe(false);
  });
});

describe("role sync across servers", () => {
  it("a paying member is added to both servers with their grant and given the tier's role in each; a lapse takes both", async () => {
    const s = await setup();
    await s.linkAndGrant();
    const granted = await s.sync();
    expect(granted).toMatchObject({ outcome: "synced" });
    expect(granted.added.sort()).toEqual([s.ownRole, s.otherRole].sort());
    expect(await rolesIn(s, s.ownGuild)).toEqual([s.ownRole]);
    expect(await rolesIn(s, s.otherGuild)).toEqual([s.otherRole]);
    expect(await s.member()).toMatchObject({ guildStatus: "joined", serverStatus: { [s.otherGuild]: "joined" } });
    expect((await s.member()).roles.sort()).toEqual([s.ownRole, s.otherRole].sort());
    // Synced again: nothing to do anywhere.
    expect(await s.sync()).toMatchObject({ outcome: "unchanged", added: [], removed: [] });
    // The member's portal names the other server and where they stand in it.
    const [membership] = await portalMemberships(s.user.id);
    expect(membership!.servers).toEqual([{ guildId: s.otherGuild, name: "Second Server", status: "joined" }]);

    await lapse(s);
    const taken = await s.sync("lapsed");
    expect(taken.outcome).toBe("synced");
    expect(taken.removed.sort()).toEqual([s.ownRole, s.otherRole].sort());
    expect(await rolesIn(s, s.ownGuild)).toEqual([]);
    expect(await rolesIn(s, s.otherGuild)).toEqual([]);
  });

  it("a tier with several roles in a linked server gives each there, and a lapse takes each", async () => {
    const s = await setup();
    await s.linkAndGrant();
    const silver = snowflake();
    await control(`guilds/${s.otherGuild}/roles`, { id: silver, name: "Silver there" });
    const both = [s.otherRole, silver].sort();
    await withCommunity(s.communityId, (tx) =>
      tx.subscriptionTier.update({ where: rowKey(s.tierId), data: { serverRoles: both.map((roleId) => ({ guildId: s.otherGuild, roleId })) } }),
    );
    expect((await s.sync()).added.sort()).toEqual([s.ownRole, ...both].sort());
    expect((await rolesIn(s, s.otherGuild))?.sort()).toEqual(both);
    await lapse(s);
    expect((await s.sync("lapsed")).removed.sort()).toEqual([s.ownRole, ...both].sort());
    expect(await rolesIn(s, s.otherGuild)).toEqual([]);
  });

  it("a role taken by hand in the linked server is drift the sweep finds and fixes; with auto-assignment off it stays open", async () => {
    const s = await setup();
    await s.linkAndGrant();
    await s.sync();
    await control(`guilds/${s.otherGuild}/members/${s.user.discordId}`, { roles: [] });
    await withCommunity(s.communityId, (tx) => tx.discordBotConfig.update({ where: { communityId: s.communityId }, data: { autoRoleAssignment: false } }));
    await s.sync("reconcile");
    const open = await withCommunity(s.communityId, (tx) => tx.discordRoleDrift.findFirstOrThrow({ where: { memberId: s.memberId, resolvedAt: null } }));
    expect(open).toMatchObject({ missingRoles: [s.otherRole], unpaidRoles: [] });
    expect(await rolesIn(s, s.otherGuild)).toEqual([]);

    await withCommunity(s.communityId, (tx) => tx.discordBotConfig.update({ where: { communityId: s.communityId }, data: { autoRoleAssignment: true } }));
    const report = await reconcileCommunity(s.communityId, { rest });
    expect(report).toMatchObject({ checked: 1, fixed: 1 });
    expect(await rolesIn(s, s.otherGuild)).toEqual([s.otherRole]);
    expect(await withCommunity(s.communityId, (tx) => tx.discordRoleDrift.count({ where: { memberId: s.memberId, resolvedAt: null } }))).toBe(0);
  });

  it("leaving and rejoining the linked server is seen by the gateway: marked, then the role comes back (no welcome there)", async () => {
    const s = await setup();
    await s.linkAndGrant();
    await s.sync();
    await control(`guilds/${s.otherGuild}/members/${s.user.discordId}`, { left: true });
    expect(await onGuildMember("remove", s.otherGuild, s.user.discordId)).toBe("marked");
    expect(await s.member()).toMatchObject({ guildStatus: "joined", serverStatus: { [s.otherGuild]: "left" } });
    expect(await queuedKinds(s.communityId)).not.toContain("discord:farewell");

    await control(`guilds/${s.otherGuild}/members/${s.user.discordId}`, { join: true });
    expect(await onGuildMember("add", s.otherGuild, s.user.discordId)).toBe("restored");
    expect(await queuedKinds(s.communityId)).toContain("discord:role_sync");
    expect(await queuedKinds(s.communityId)).not.toContain("discord:welcome");
    await s.sync("joined a linked server");
    expect(await rolesIn(s, s.otherGuild)).toEqual([s.otherRole]);
    expect((await s.member()).serverStatus).toEqual({ [s.otherGuild]: "joined" });
  });

  it("a linked server the bot was removed from is marked and skipped; the own server keeps syncing; Check again brings it back", async () => {
    const s = await setup();
    const server = await s.linkAndGrant();
    await control(`guilds/${s.otherGuild}/bot`, { inGuild: false });
    const first = await s.sync();
    expect(first.added).toEqual([s.ownRole]);
    expect(await rolesIn(s, s.ownGuild)).toEqual([s.ownRole]);
    const marked = await withCommunity(s.communityId, (tx) => tx.communityServer.findUniqueOrThrow({ where: rowKey(server.id) }));
    expect(marked.problem).toMatch(/^(missing_access|unknown_guild)$/);
    // The community's own bot is not paused for it.
    const bot = await withCommunity(s.communityId, (tx) => tx.discordBotConfig.findUniqueOrThrow({ where: { communityId: s.communityId } }));
    expect(botProblemOf(bot.settings)).toBeNull();
    // Skipped from now on: Discord is not asked about that server again.
    const askedAbout = async () => (await guildState(s.otherGuild)).requests.filter((r) => r.path.includes(s.otherGuild)).length;
    const before = await askedAbout();
    await s.sync();
    expect(await askedAbout()).toBe(before);
    expect(before).toBeGreaterThan(0);

    expect((await checkServer(s.communityId, server.id, rest)).ok).toBe(false);
    // Added again, its role dragged above the tier's role there.
    await control(`guilds/${s.otherGuild}/bot`, { inGuild: true, position: 10 });
    expect(await checkServer(s.communityId, server.id, rest)).toMatchObject({ ok: true });
    expect(await queuedKinds(s.communityId)).toContain("discord:reconcile");
    expect(await s.sync()).toMatchObject({ outcome: "synced", added: [s.otherRole] });
    expect(await rolesIn(s, s.otherGuild)).toEqual([s.otherRole]);
  });

  it("a role the bot may not hand out in a linked server is that server's failure: the own server is served, the bot not paused", async () => {
    const s = await setup();
    await s.linkAndGrant();
    await control(`guilds/${s.otherGuild}/bot`, { position: 1 });
    const result = await s.sync();
    expect(result).toMatchObject({ outcome: "missing_permissions", server: s.otherGuild, added: [s.ownRole] });
    expect(result.error).toMatch(/^In Second Server: /);
    expect(await rolesIn(s, s.ownGuild)).toEqual([s.ownRole]);
    const bot = await withCommunity(s.communityId, (tx) => tx.discordBotConfig.findUniqueOrThrow({ where: { communityId: s.communityId } }));
    expect(botProblemOf(bot.settings)).toBeNull();
    const drift = await withCommunity(s.communityId, (tx) => tx.discordRoleDrift.findFirstOrThrow({ where: { memberId: s.memberId, resolvedAt: null } }));
    expect(drift.missingRoles).toEqual([s.otherRole]);
    // "Check again" on that server says what to fix there, as "Check bot" does for the own server.
    const server = await withCommunity(s.communityId, (tx) => tx.communityServer.findFirstOrThrow());
    const checked = await checkServer(s.communityId, server.id, rest);
    expect(checked.ok).toBe(false);
    expect(checked.message).toMatch(/^In Second Server: The bot's role sits below “Gold there” \(tier “Gold”\)/);
  });

  it("unlinking drops the server's roles from every tier and the mirror; its members are left alone", async () => {
    const s = await setup();
    const server = await s.linkAndGrant();
    await s.sync();
    await withCommunity(s.communityId, (tx) => unlinkServer(tx, server.id));
    const tier = await withCommunity(s.communityId, (tx) => tx.subscriptionTier.findUniqueOrThrow({ where: rowKey(s.tierId) }));
    expect(tier.serverRoles).toEqual([]);
    expect((await db.community.findUniqueOrThrow({ where: { id: s.communityId }, select: { linkedGuildIds: true } })).linkedGuildIds).toEqual([]);
    expect((await s.member()).serverStatus).toEqual({});
    await lapse(s);
    const result = await s.sync("lapsed");
    expect(result.removed).toEqual([s.ownRole]);
    // CommunityOS no longer manages that server: the role it gave stays.
    expect(await rolesIn(s, s.otherGuild)).toEqual([s.otherRole]);
    await expect(withCommunity(s.communityId, (tx) => unlinkServer(tx, server.id))).rejects.toThrow(SERVER_ERRORS.unknown);
  });
});
