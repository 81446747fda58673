// Real Discord access against the honest fake: a paying member is added to the
// server with their own grant (and every way that can fail: banned, too many
// servers, no grant, an expired grant refreshed, a revoked one), the platform's
// bot is added through its authorization and confirmed, tiers name only roles
// the bot can hand out, and the gateway brings a member who left and came back
// their roles.
import { afterAll, describe, expect, it } from "vitest";
import { FAKE_APPLICATIONS } from "../e2e/fakes/discord/data";
import { db } from "../lib/db/client";
import { withCommunity, rowKey } from "../lib/db/scopes";
import { confirmBotInstall } from "../lib/discord/bot-install";
import { createRoleForTier, readGuildCatalog } from "../lib/discord/guild-catalog";
import { onGuildMember, watchGateways } from "../lib/discord/gateway-watch";
import { revokeManagedRoles, syncMemberRoles } from "../lib/discord/role-sync";
import { checkTierRoles } from "../lib/tiers/discord-roles";
import { ACCESS_ERRORS, finishAccountSwitch, regainAccess, startAccountSwitch } from "../lib/members/discord-access";
import { createCommunity, createUser, queuedJobs, snowflake } from "./support/fixtures";
import { withFakeDiscord } from "./support/fake-discord-control";
import { payingMemberRows } from "./support/paying-member";

const PLATFORM = FAKE_APPLICATIONS[0]!;
const discord = withFakeDiscord();
const { rest, control, guildState } = discord;

afterAll(async () => {
  await db.$disconnect();
});

const queued = async (communityId: string) => (await queuedJobs(communityId)).map((j) => j.kind);

/** A community served by the platform's bot, a tier with a role, and a paying member who is not in the server yet. */
async function paying(options: { grant?: { scope?: string; expiresIn?: number } | null; bot?: "platform" | "own"; tierRole?: boolean } = {}) {
  const owner = await createUser("access_owner");
  const community = await createCommunity(owner.id);
  const { discordGuildId: guildId } = await db.community.findUniqueOrThrow({ where: { id: community.id }, select: { discordGuildId: true } });
  // Ids of their own: one made from the server's id by changing its last digits was, one run in a hundred, the server's id itself (its @everyone).
  const roleId = snowflake();
  await control("guilds", { id: guildId, roles: [{ id: roleId, name: "Gold" }], channels: [{ id: snowflake(), name: "general" }] });
  const user = await createUser("access_member");
  const { memberId } = await payingMemberRows(community.id, user, { roleId: options.tierRole === false ? null : roleId, bot: options.bot });
  if (options.grant !== null) {
    const grant = await control<{ access_token: string; refresh_token: string; expires_at: number; scope: string }>("oauth/grant", {
      userId: user.discordId,
      scope: options.grant?.scope ?? "identify email guilds guilds.join",
      expiresIn: options.grant?.expiresIn,
    });
    await db.account.create({
      data: {
        userId: user.id,
        type: "oidc",
        provider: "discord",
        providerAccountId: user.discordId,
        access_token: grant.access_token,
        refresh_token: grant.refresh_token,
        expires_at: grant.expires_at,
        scope: grant.scope,
      },
    });
  }
  const status = async () =>
    await withCommunity(community.id, (tx) => tx.communityMember.findUniqueOrThrow({ where: rowKey(memberId), select: { guildStatus: true, roles: true } }));
  return { communityId: community.id, guildId, roleId, memberId, user, status };
}

/** A Discord account that signed in with guilds.join (its grant stored as Auth.js stores it). */
async function signedIn(name: string) {
  const user = await createUser(name);
  const grant = await control<{ access_token: string; refresh_token: string; expires_at: number; scope: string }>("oauth/grant", {
    userId: user.discordId,
    scope: "identify email guilds guilds.join",
  });
  await db.account.create({ data: { userId: user.id, type: "oidc", provider: "discord", providerAccountId: user.discordId, ...grant } });
  return user;
}

type Paying = { communityId: string; guildId: string; roleId: string; memberId: string; user: { id: string; discordId: string } };

describe("a paying member is put into the server", () => {
  it("with their own guilds.join grant, then given the tier's role", async () => {
    const s = await paying();
    const result = await syncMemberRoles(s.communityId, s.memberId, { reason: "paid", rest });
    expect(result).toMatchObject({ outcome: "synced", added: [s.roleId] });
    expect((await guildState(s.guildId)).members[s.user.discordId]).toEqual([s.roleId]);
    expect(await s.status()).toEqual({ guildStatus: "joined", roles: [s.roleId] });
    const calls = (await guildState(s.guildId)).requests.filter((r) => r.path.includes(s.user.discordId)).map((r) => `${r.method} ${r.status}`);
    expect(calls).toEqual(["GET 404", "PUT 201", "PUT 204"]);
  });

  it("even when their tier grants no role: added, and said to be in the server (not to have left it)", async () => {
    const s = await paying({ tierRole: false });
    const result = await syncMemberRoles(s.communityId, s.memberId, { reason: "paid", rest });
    expect(result).toMatchObject({ outcome: "unchanged", added: [] });
    expect((await guildState(s.guildId)).members[s.user.discordId]).toEqual([]);
    expect(await s.status()).toEqual({ guildStatus: "joined", roles: [] });
  });

  it("refreshes an expired grant first, and keeps the new one", async () => {
    const s = await paying({ grant: { expiresIn: -10 } });
    const before = await db.account.findFirstOrThrow({ where: { userId: s.user.id }, select: { access_token: true } });
    expect((await syncMemberRoles(s.communityId, s.memberId, { reason: "paid", rest })).outcome).toBe("synced");
    const after = await db.account.findFirstOrThrow({ where: { userId: s.user.id }, select: { access_token: true, expires_at: true } });
    expect(after.access_token).not.toBe(before.access_token);
    expect(after.expires_at! * 1000).toBeGreaterThan(Date.now());
    expect((await s.status()).guildStatus).toBe("joined");
  });

  it.each([
    ["banned", (s: Paying): Promise<unknown> => control(`guilds/${s.guildId}/members/${s.user.discordId}`, { ban: true }), "banned"],
    ["in 100 servers already (30001)", (s: Paying): Promise<unknown> => control(`users/${s.user.discordId}`, { guildCount: 100 }), "guild_limit"],
    [
      "whose grant Discord no longer accepts (50025)",
      (s: Paying): Promise<unknown> => control(`users/${s.user.discordId}`, { expireTokens: true }),
      "needs_sign_in",
    ],
  ] as const)("says so, grants nothing and does not retry, for someone %s", async (_name, arrange, expected) => {
    const s = await paying();
    await arrange(s);
    // An expired access token whose refresh also fails: the refresh token was used up meanwhile.
    if (expected === "needs_sign_in")
      await db.account.updateMany({
        where: { userId: s.user.id },
        data: { refresh_token: "refresh-revoked", expires_at: Math.floor(Date.now() / 1000) + 3600 },
      });
    const result = await syncMemberRoles(s.communityId, s.memberId, { reason: "paid", rest });
    expect(result.outcome).toBe("not_in_guild");
    expect((await s.status()).guildStatus).toBe(expected);
    expect((await guildState(s.guildId)).members[s.user.discordId]).toBeUndefined();
    expect((await guildState(s.guildId)).requests.filter((r) => r.path.endsWith(`/roles/${s.roleId}`))).toEqual([]);
  });

  it("asks the member to sign in again when there is no grant, or one without guilds.join", async () => {
    for (const grant of [null, { scope: "identify email guilds" }]) {
      const s = await paying({ grant });
      expect((await syncMemberRoles(s.communityId, s.memberId, { reason: "paid", rest })).outcome).toBe("not_in_guild");
      expect((await s.status()).guildStatus).toBe("needs_sign_in");
    }
  });

  it("a revoked refresh token means signing in again", async () => {
    const s = await paying({ grant: { expiresIn: -10 } });
    await db.account.updateMany({ where: { userId: s.user.id }, data: { refresh_token: "refresh-revoked" } });
    await syncMemberRoles(s.communityId, s.memberId, { reason: "paid", rest });
    expect((await s.status()).guildStatus).toBe("needs_sign_in");
  });

  it("an owner's own bot cannot add people (Discord lets only the authorized application): they join by invite", async () => {
    const s = await paying({ bot: "own" });
    await syncMemberRoles(s.communityId, s.memberId, { reason: "paid", rest });
    expect((await s.status()).guildStatus).toBe("invite_needed");
    expect((await guildState(s.guildId)).requests.filter((r) => r.method === "PUT" && r.path.includes(s.guildId))).toEqual([]);
  });
});

describe("the member's own way back", () => {
  it("Regain access adds a member who left back to the server with their roles, and says so", async () => {
    const s = await paying();
    await syncMemberRoles(s.communityId, s.memberId, { reason: "paid", rest });
    await control(`guilds/${s.guildId}/members/${s.user.discordId}`, { left: true });
    await onGuildMember("remove", s.guildId, s.user.discordId);
    expect(await regainAccess(s.user.id, s.memberId)).toEqual({ guildStatus: "joined", message: "You're in the server, and your roles are back." });
    expect((await guildState(s.guildId)).members[s.user.discordId]).toEqual([s.roleId]);
    expect(await s.status()).toEqual({ guildStatus: "joined", roles: [s.roleId] });
  });

  it("Regain access says what to do when Discord refuses (banned), and is refused on someone else's membership", async () => {
    const s = await paying();
    await control(`guilds/${s.guildId}/members/${s.user.discordId}`, { ban: true });
    const result = await regainAccess(s.user.id, s.memberId);
    expect(result.guildStatus).toBe("banned");
    expect(result.message).toMatch(/banned/i);
    const stranger = await createUser("stranger");
    await expect(regainAccess(stranger.id, s.memberId)).rejects.toThrow(ACCESS_ERRORS.notYours);
    expect((await guildState(s.guildId)).members[s.user.discordId]).toBeUndefined();
  });

  it("Switch Discord account moves the membership and its roles to the other account", async () => {
    const s = await paying();
    await syncMemberRoles(s.communityId, s.memberId, { reason: "paid", rest });
    const other = await signedIn("second_account");
    const ticket = await startAccountSwitch(s.user.id, s.memberId);
    expect(await finishAccountSwitch(ticket, other)).toMatchObject({ slug: expect.any(String) });

    const moved = await withCommunity(s.communityId, (tx) =>
      tx.communityMember.findUniqueOrThrow({
        where: rowKey(s.memberId),
        select: { userId: true, discordUserId: true, subscriptionStatus: true, _count: { select: { subscriptions: true } } },
      }),
    );
    expect(moved).toEqual({ userId: other.id, discordUserId: other.discordId, subscriptionStatus: "active", _count: { subscriptions: 1 } });
    expect(await queued(s.communityId)).toEqual(expect.arrayContaining(["discord:revoke_roles", "discord:role_sync"]));
    // What the two jobs do: the old account loses the paid role, the new one joins with it.
    expect(await revokeManagedRoles(s.communityId, s.user.discordId, { rest })).toEqual([s.roleId]);
    expect((await syncMemberRoles(s.communityId, s.memberId, { reason: "moved", rest })).outcome).toBe("synced");
    const members = (await guildState(s.guildId)).members;
    expect(members[s.user.discordId]).toEqual([]);
    expect(members[other.discordId]).toEqual([s.roleId]);
    const audit = await withCommunity(s.communityId, (tx) =>
      tx.auditLog.findMany({ where: { action: "member.discord_account_switched" }, select: { actorUserId: true, objectId: true } }),
    );
    expect(audit).toEqual([{ actorUserId: other.id, objectId: s.memberId }]);
  });

  it("refuses a switch onto the same account, onto one with its own paid membership, after it timed out, or with a forged ticket", async () => {
    const s = await paying();
    const ticket = await startAccountSwitch(s.user.id, s.memberId);
    await expect(finishAccountSwitch(ticket, s.user)).rejects.toThrow(ACCESS_ERRORS.sameAccount);
    const old = await startAccountSwitch(s.user.id, s.memberId, Date.now() - 16 * 60_000);
    const other = await signedIn("other_account");
    await expect(finishAccountSwitch(old, other)).rejects.toThrow(ACCESS_ERRORS.expired);
    const [payload] = ticket.split(".");
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, "base64url").toString()), expires: Date.now() + 3_600_000 })).toString(
      "base64url",
    );
    await expect(finishAccountSwitch(`${forged}.${ticket.split(".")[1]}`, other)).rejects.toThrow(ACCESS_ERRORS.expired);
    await expect(finishAccountSwitch("not-a-ticket", other)).rejects.toThrow(ACCESS_ERRORS.expired);

    // The other account pays here itself: the two memberships are not merged.
    const sameCommunity = await withCommunity(s.communityId, async (tx) => {
      const m = await tx.communityMember.create({
        data: { communityId: s.communityId, userId: other.id, discordUserId: other.discordId },
        select: { id: true },
      });
      const tier = await tx.subscriptionTier.findFirstOrThrow({ select: { id: true } });
      await tx.subscription.create({
        data: {
          communityId: s.communityId,
          memberId: m.id,
          tierId: tier.id,
          stripeSubscriptionId: `sub_other_${m.id}`,
          stripeCustomerId: "cus_other",
          tierName: "Gold",
          status: "active",
          currentPeriodStart: new Date(),
          currentPeriodEnd: new Date(Date.now() + 86_400_000),
        },
      });
      return m.id;
    });
    await expect(finishAccountSwitch(ticket, other)).rejects.toThrow(ACCESS_ERRORS.taken);
    const unchanged = await withCommunity(s.communityId, (tx) =>
      tx.communityMember.findMany({ where: { id: { in: [s.memberId, sameCommunity] } }, select: { userId: true }, orderBy: { joinedAt: "asc" } }),
    );
    expect(unchanged.map((m) => m.userId).sort()).toEqual([s.user.id, other.id].sort());
  });
});

describe("the gateway", () => {
  it("marks a member who left, and on return restores their roles and welcomes them", async () => {
    const s = await paying();
    await syncMemberRoles(s.communityId, s.memberId, { reason: "paid", rest });
    expect(await onGuildMember("remove", s.guildId, s.user.discordId)).toBe("marked");
    expect((await s.status()).guildStatus).toBe("left");
    expect(await queued(s.communityId)).toContain("notify:farewell");
    expect(await onGuildMember("add", s.guildId, s.user.discordId)).toBe("restored");
    expect((await s.status()).guildStatus).toBe("joined");
    expect(await queued(s.communityId)).toEqual(expect.arrayContaining(["discord:role_sync", "notify:welcome"]));
    expect(await onGuildMember("add", "299999999999999999", s.user.discordId)).toBe("ignored");
  });

  it("hears GUILD_MEMBER_REMOVE and GUILD_MEMBER_ADD from Discord over a real gateway connection", async () => {
    const s = await paying();
    await syncMemberRoles(s.communityId, s.memberId, { reason: "paid", rest });
    const { inject } = await import("vitest");
    const watch = watchGateways({ databaseUrl: inject("appUrl"), every: 200 });
    try {
      await expect.poll(async () => (await control<{ sessions: number }>("gateway")).sessions, { timeout: 10_000 }).toBeGreaterThan(0);
      await control(`guilds/${s.guildId}/members/${s.user.discordId}`, { left: true });
      await expect.poll(async () => (await s.status()).guildStatus, { timeout: 10_000 }).toBe("left");
      await control(`guilds/${s.guildId}/members/${s.user.discordId}`, { join: true });
      await expect.poll(async () => (await s.status()).guildStatus, { timeout: 10_000 }).toBe("joined");
      // The role sync the arrival queued puts the role back.
      await syncMemberRoles(s.communityId, s.memberId, { reason: "joined the server", rest });
      expect((await guildState(s.guildId)).members[s.user.discordId]).toEqual([s.roleId]);
    } finally {
      await watch.stop();
    }
  });
});

describe("adding the platform's bot", () => {
  it("is confirmed with Discord before the community uses it; another server or a missing bot is refused", async () => {
    const owner = await createUser("install_owner");
    const community = await createCommunity(owner.id);
    const { discordGuildId } = await db.community.findUniqueOrThrow({ where: { id: community.id }, select: { discordGuildId: true } });
    await control("guilds", { id: discordGuildId, bot: false });
    const target = { id: community.id, discordGuildId };
    expect(await confirmBotInstall(target, owner.id, { guildId: "299999999999999998", permissions: "0" }, rest)).toEqual({ ok: false, code: "other_server" });
    // The owner cancelled on Discord: the bot is not in the server.
    expect(await confirmBotInstall(target, owner.id, { guildId: discordGuildId, permissions: "0" }, rest)).toEqual({ ok: false, code: "not_added" });
    expect(await withCommunity(community.id, (tx) => tx.discordBotConfig.count())).toBe(0);

    await control(`guilds/${discordGuildId}/bot`, { inGuild: true });
    expect(await confirmBotInstall(target, owner.id, { guildId: discordGuildId, permissions: "268435457" }, rest)).toEqual({ ok: true });
    const config = await withCommunity(community.id, (tx) =>
      tx.discordBotConfig.findUniqueOrThrow({
        where: { communityId: community.id },
        select: { usesPlatformBot: true, botTokenEncrypted: true, permissions: true },
      }),
    );
    expect(config).toEqual({ usesPlatformBot: true, botTokenEncrypted: null, permissions: 268435457n });
    expect(await withCommunity(community.id, (tx) => tx.auditLog.findMany({ select: { action: true } }))).toEqual([{ action: "bot.added" }]);
  });

  it("goes through Discord's bot authorization: the fake adds the bot only for someone who manages the server", async () => {
    const owner = await createUser("flow_owner");
    const community = await createCommunity(owner.id);
    const { discordGuildId } = await db.community.findUniqueOrThrow({ where: { id: community.id }, select: { discordGuildId: true } });
    await control("guilds", { id: discordGuildId, bot: false, ownerId: "100000000000000001" });
    const form = (user: string) =>
      new URLSearchParams({
        client_id: PLATFORM.id,
        scope: "bot applications.commands",
        permissions: "268435457",
        guild_id: discordGuildId,
        redirect_uri: "http://localhost/api/discord/bot/callback",
        response_type: "code",
        state: "s1",
        user,
      });
    const bob = await fetch(`${discord.url()}/oauth2/authorize`, { method: "POST", body: form("100000000000000002"), redirect: "manual" });
    expect(bob.status).toBe(403);
    const alice = await fetch(`${discord.url()}/oauth2/authorize`, { method: "POST", body: form("100000000000000001"), redirect: "manual" });
    const back = new URL(alice.headers.get("location")!);
    expect(Object.fromEntries(back.searchParams)).toMatchObject({ guild_id: discordGuildId, state: "s1", permissions: "268435457" });
    expect(
      await confirmBotInstall(
        { id: community.id, discordGuildId },
        owner.id,
        { guildId: back.searchParams.get("guild_id"), permissions: back.searchParams.get("permissions") },
        rest,
      ),
    ).toEqual({ ok: true });
  });
});

describe("roles picked by name", () => {
  async function server() {
    const owner = await createUser("roles_owner");
    const community = await createCommunity(owner.id);
    const { discordGuildId: guildId } = await db.community.findUniqueOrThrow({ where: { id: community.id }, select: { discordGuildId: true } });
    const [members, staff, welcome] = [snowflake(), snowflake(), snowflake()];
    // Roles below the bot, then the bot is added (its role lands at the bottom, as Discord does), then one role above it all.
    await control("guilds", { id: guildId, bot: false, roles: [{ id: members, name: "Members" }], channels: [{ id: welcome, name: "welcome" }] });
    await control(`guilds/${guildId}/bot`, { inGuild: true });
    await control(`guilds/${guildId}/roles`, { id: staff, name: "Staff", position: 99 });
    await withCommunity(community.id, (tx) =>
      tx.discordBotConfig.create({ data: { communityId: community.id, usesPlatformBot: true, clientId: PLATFORM.id, permissions: 0n } }),
    );
    return { communityId: community.id, guildId, members, staff, welcome };
  }

  it("lists the server's roles with what the bot may hand out, and its text channels", async () => {
    const s = await server();
    const catalog = await readGuildCatalog(PLATFORM.token, s.guildId, rest);
    expect(catalog.ok).toBe(true);
    if (!catalog.ok) return;
    const byName = Object.fromEntries(catalog.roles.map((r) => [r.name, r]));
    // A bot's role is created at the bottom: both other roles are above it until the owner drags it up.
    expect(byName.Members).toMatchObject({ assignable: false, reason: expect.stringMatching(/drag the bot's role above it/) });
    expect(byName.Staff).toMatchObject({ assignable: false });
    expect(byName["CommunityOS Demo Bot"]).toMatchObject({ assignable: false, reason: expect.stringMatching(/integration/) });
    expect(catalog.channels).toEqual([{ id: s.welcome, name: "welcome" }]);
    // The fake refuses what Discord's settings refuse: @everyone is not renamed or deleted, nor the bot's own role.
    expect(await control(`guilds/${s.guildId}/roles`, { id: s.guildId, name: "Staff" })).toEqual({ message: "that is the server's @everyone role" });
    const botRole = Object.values((await guildState(s.guildId)).bots)[0]!;
    expect(await control(`guilds/${s.guildId}/roles`, { id: botRole, deleted: true })).toEqual({ message: "an integration's role cannot be deleted" });
    expect((await guildState(s.guildId)).roles.map((r) => r.id)).toEqual(expect.arrayContaining([s.guildId, botRole]));
  });

  it("refuses a tier role that is missing or above the bot, and accepts one the bot made", async () => {
    const s = await server();
    await expect(checkTierRoles(s.communityId, { discordRoleId: "388888888888888888", extraRoleIds: [] })).rejects.toMatchObject({
      fieldErrors: { discordRoleId: [expect.stringMatching(/not a role of your server/)] },
    });
    await expect(checkTierRoles(s.communityId, { discordRoleId: s.staff, extraRoleIds: [] })).rejects.toMatchObject({
      fieldErrors: { discordRoleId: [expect.stringMatching(/“Staff” sits above the bot's role/)] },
    });
    const made = await createRoleForTier(s.communityId, "Gold tier", (token) => rest(token));
    expect(made).toMatchObject({ name: "Gold tier", assignable: true });
    await expect(checkTierRoles(s.communityId, { discordRoleId: (made as { id: string }).id, extraRoleIds: [] })).resolves.toBeUndefined();
    const roles = (await guildState(s.guildId)).roles;
    const position = (name: string) => roles.find((r) => r.name === name)!.position;
    expect(position("Gold tier")).toBeLessThan(position("CommunityOS Demo Bot"));
  });
});
