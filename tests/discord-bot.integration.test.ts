// The bot against the fake Discord: role sync, Discord's errors, reconciliation,
// token sealing, and the signed interactions endpoint.
import { generateKeyPairSync, sign as edSign } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeDiscord, type FakeDiscord } from "../e2e/fakes/discord/server";
import { FAKE_APPLICATIONS } from "../e2e/fakes/discord/data";
import { refreshMember } from "../lib/billing/member-refresh";
import { decryptToken, encryptToken, keyIdOf, newKeyEntry, parseKeyRing } from "../lib/crypto/token-box";
import { db } from "../lib/db/client";
import { withCommunity, rowKey } from "../lib/db/scopes";
import { sealToken } from "../lib/discord/bot-config";
import { botRest } from "../lib/discord/bot-rest";
import { checkBot } from "../lib/discord/check-bot";
import { answerInteraction, verifyInteraction } from "../lib/discord/interactions";
import { reconcileCommunity } from "../lib/discord/reconcile";
import { syncMemberRoles } from "../lib/discord/role-sync";
import { createCommunity, createUser, queuedJobs, snowflake } from "./support/fixtures";

let discord: FakeDiscord;
const FAKE_BOT = { token: FAKE_APPLICATIONS[0]!.token, applicationId: FAKE_APPLICATIONS[0]!.id };
const rest = (token: string) => botRest(token, `${discord.url}/api`);
const UNMANAGED = "399999999999999999";

async function control(path: string, body?: object) {
  const response = await fetch(`${discord.url}/_control/${path}`, { method: body ? "POST" : "GET", body: body ? JSON.stringify(body) : undefined });
  return response.json();
}
const guildState = (guildId: string) =>
  control(`guilds/${guildId}`) as Promise<{
    members: Record<string, string[]>;
    requests: { method: string; path: string; status: number }[];
    messages: { channelId: string; content: string }[];
  }>;

/**
 * A community with a configured bot, a tier granting a role, and one paying
 * member who is in the server (as a seeded member who joined long ago).
 */
async function setup(status = "active") {
  const owner = await createUser("bot_owner");
  const community = await createCommunity(owner.id);
  const { discordGuildId: guildId } = await db.community.findUniqueOrThrow({ where: { id: community.id }, select: { discordGuildId: true } });
  // Ids of their own: one made from the server's id by changing its last digits was, one run in a hundred, the server's id itself (its @everyone).
  const roleId = snowflake();
  // The server, with the bot's role above the tier's (the owner dragged it there).
  await control("guilds", {
    id: guildId,
    roles: [
      { id: roleId, name: "Gold role" },
      { id: UNMANAGED, name: "Moderator" },
    ],
    channels: [
      { id: "500000000000000001", name: "admin" },
      { id: "500000000000000002", name: "payments" },
    ],
  });
  const user = await createUser("bot_member");
  await control(`guilds/${guildId}/members/${user.discordId}`, { roles: [] });
  const memberId = await withCommunity(community.id, async (tx) => {
    await tx.discordBotConfig.create({
      data: {
        communityId: community.id,
        botTokenEncrypted: sealToken(FAKE_BOT.token, community.id),
        clientId: FAKE_BOT.applicationId,
        permissions: 268435456n,
        adminChannel: "500000000000000001",
        paymentVerificationChannel: "500000000000000002",
      },
    });
    const tier = await tx.subscriptionTier.create({
      data: { communityId: community.id, name: "Gold", price: "5.00", interval: "monthly", discordRoleId: roleId },
      select: { id: true },
    });
    const member = await tx.communityMember.create({
      data: { communityId: community.id, userId: user.id, discordUserId: user.discordId },
      select: { id: true },
    });
    await tx.subscription.create({
      data: {
        communityId: community.id,
        memberId: member.id,
        tierId: tier.id,
        stripeSubscriptionId: `sub_bot_${member.id}`,
        stripeCustomerId: "cus_bot",
        tierName: "Gold",
        status,
        currentPeriodStart: new Date(),
        currentPeriodEnd: new Date(Date.now() + 30 * 86_400_000),
      },
    });
    await refreshMember(tx, member.id, new Date());
    return member.id;
  });
  return { communityId: community.id, guildId, roleId, memberId, discordUserId: user.discordId };
}

beforeAll(async () => {
  discord = await startFakeDiscord();
});
afterAll(async () => {
  await discord.close();
  await db.$disconnect();
});

describe("role sync", () => {
  it("grants the tier's role on activation and records it on the member and in the audit trail", async () => {
    const s = await setup();
    const result = await syncMemberRoles(s.communityId, s.memberId, { reason: "test", rest });
    expect(result).toMatchObject({ outcome: "synced", added: [s.roleId], removed: [] });
    expect((await guildState(s.guildId)).members[s.discordUserId]).toEqual([s.roleId]);
    const [member, audit] = await withCommunity(s.communityId, async (tx) => [
      await tx.communityMember.findUniqueOrThrow({ where: rowKey(s.memberId), select: { roles: true } }),
      await tx.discordRoleSync.findMany({ select: { outcome: true, added: true, reason: true } }),
    ]);
    expect(member).toEqual({ roles: [s.roleId] });
    expect(audit).toEqual([{ outcome: "synced", added: [s.roleId], reason: "test" }]);
    expect((await syncMemberRoles(s.communityId, s.memberId, { reason: "again", rest })).outcome).toBe("unchanged");
  });

  it("takes the paid roles from a member the owner removed, even while a subscription row still says active", async () => {
    const s = await setup();
    await control(`guilds/${s.guildId}/members/${s.discordUserId}`, { roles: [s.roleId, UNMANAGED] });
    await withCommunity(s.communityId, (tx) =>
      tx.communityMember.update({ where: rowKey(s.memberId), data: { isActive: false, removedAt: new Date() }, select: { id: true } }),
    );
    const result = await syncMemberRoles(s.communityId, s.memberId, { reason: "membership ended", rest });
    expect(result).toMatchObject({ outcome: "synced", added: [], removed: [s.roleId] });
    expect((await guildState(s.guildId)).members[s.discordUserId]).toEqual([UNMANAGED]);
  });

  it("removes it when the subscription lapses, and never touches a role no tier manages", async () => {
    const s = await setup();
    await control(`guilds/${s.guildId}/members/${s.discordUserId}`, { roles: [s.roleId, UNMANAGED] });
    await withCommunity(s.communityId, async (tx) => {
      await tx.subscription.updateMany({ data: { status: "canceled", canceledAt: new Date() } });
      await refreshMember(tx, s.memberId, new Date());
    });
    const result = await syncMemberRoles(s.communityId, s.memberId, { reason: "lapsed", rest });
    expect(result).toMatchObject({ outcome: "synced", added: [], removed: [s.roleId] });
    expect((await guildState(s.guildId)).members[s.discordUserId]).toEqual([UNMANAGED]);
  });

  it("waits out a 429 for its retry_after and retries once", async () => {
    const s = await setup();
    await control("reset", {});
    await control("failures", { status: 429, retryAfter: 0.2, times: 1, path: `GET /api/guilds/${s.guildId}/members/` });
    const started = Date.now();
    const result = await syncMemberRoles(s.communityId, s.memberId, { reason: "rate limited", rest });
    expect(result.outcome).toBe("synced");
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    const gets = (await guildState(s.guildId)).requests.filter((r) => r.method === "GET" && r.path.includes(`/members/${s.discordUserId}`));
    expect(gets.map((r) => r.status)).toEqual([429, 200]);
  });

  it("records 50013 Missing Permissions with a hint, opens drift, tells the admins, and does not retry", async () => {
    const s = await setup();
    await control("reset", {});
    await control(`guilds/${s.guildId}/roles`, { id: s.roleId, name: "Gold role", position: 50 }); // above the bot's role
    const result = await syncMemberRoles(s.communityId, s.memberId, { reason: "blocked", rest });
    expect(result.outcome).toBe("missing_permissions");
    expect(result.error).toMatch(/drag the bot's role above every tier role/);
    const puts = (await guildState(s.guildId)).requests.filter((r) => r.method === "PUT");
    expect(puts.map((r) => r.status)).toEqual([403]);
    const drift = await withCommunity(s.communityId, (tx) =>
      tx.discordRoleDrift.findMany({ select: { missingRoles: true, resolvedAt: true, lastError: true } }),
    );
    expect(drift).toEqual([{ missingRoles: [s.roleId], resolvedAt: null, lastError: expect.stringMatching(/Manage Roles/) }]);
    expect((await queuedJobs(s.communityId)).map((j) => j.kind)).toContain("notify:sync_failed");
  });

  it("backs off and retries a 5xx from Discord", async () => {
    const s = await setup();
    await control("reset", {});
    await control("failures", { status: 502, times: 1, path: `PUT /api/guilds/${s.guildId}/members/` });
    expect((await syncMemberRoles(s.communityId, s.memberId, { reason: "flaky", rest })).outcome).toBe("synced");
    const puts = (await guildState(s.guildId)).requests.filter((r) => r.method === "PUT");
    expect(puts.map((r) => r.status)).toEqual([502, 204]);
  });

  it("meets 10007 Unknown Member (left the server) with one request; an owner's own bot cannot add them back, so they join by invite", async () => {
    const s = await setup();
    await control("reset", {});
    await control(`guilds/${s.guildId}/members/${s.discordUserId}`, { left: true });
    const result = await syncMemberRoles(s.communityId, s.memberId, { reason: "left", rest });
    expect(result.outcome).toBe("not_in_guild");
    expect((await guildState(s.guildId)).requests.map((r) => `${r.method} ${r.status}`)).toEqual(["GET 404"]);
    const member = await withCommunity(s.communityId, (tx) =>
      tx.communityMember.findUniqueOrThrow({ where: rowKey(s.memberId), select: { guildStatus: true } }),
    );
    expect(member.guildStatus).toBe("invite_needed");
  });

  it("a role PUT on someone who is not in the server is refused by Discord with 10007", async () => {
    const s = await setup();
    const stranger = await createUser("not_in_server");
    await expect(rest(FAKE_BOT.token).put(`/guilds/${s.guildId}/members/${stranger.discordId}/roles/${s.roleId}`)).rejects.toMatchObject({
      code: 10007,
      status: 404,
    });
  });

  it("a bad token pauses syncing for the whole community instead of failing member after member", async () => {
    const s = await setup();
    await withCommunity(s.communityId, (tx) =>
      tx.discordBotConfig.update({ where: { communityId: s.communityId }, data: { botTokenEncrypted: sealToken("not-the-token", s.communityId) } }),
    );
    expect((await syncMemberRoles(s.communityId, s.memberId, { reason: "bad token", rest })).outcome).toBe("unauthorized");
    expect((await syncMemberRoles(s.communityId, s.memberId, { reason: "after", rest })).outcome).toBe("paused");
  });
});

describe("reconciliation", () => {
  it("finds and fixes seeded drift: paid without role, role without payment", async () => {
    const s = await setup();
    // A second member holds the tier's role without paying.
    const freeloader = await createUser("freeloader");
    const freeloaderId = await withCommunity(
      s.communityId,
      async (tx) =>
        (
          await tx.communityMember.create({
            data: { communityId: s.communityId, userId: freeloader.id, discordUserId: freeloader.discordId, roles: [s.roleId] },
            select: { id: true },
          })
        ).id,
    );
    await control(`guilds/${s.guildId}/members/${freeloader.discordId}`, { roles: [s.roleId, UNMANAGED] });
    const report = await reconcileCommunity(s.communityId, { rest });
    expect(report).toMatchObject({ checked: 2, fixed: 2, drifting: 0 });
    const members = (await guildState(s.guildId)).members;
    expect(members[s.discordUserId]).toEqual([s.roleId]);
    expect(members[freeloader.discordId]).toEqual([UNMANAGED]);
    const drift = await withCommunity(s.communityId, (tx) =>
      tx.discordRoleDrift.findMany({ select: { memberId: true, missingRoles: true, unpaidRoles: true, resolvedAt: true }, orderBy: { memberId: "asc" } }),
    );
    expect(drift).toHaveLength(2);
    expect(drift.find((d) => d.memberId === s.memberId)).toMatchObject({ missingRoles: [s.roleId], unpaidRoles: [] });
    expect(drift.find((d) => d.memberId === freeloaderId)).toMatchObject({ missingRoles: [], unpaidRoles: [s.roleId] });
    expect(drift.every((d) => d.resolvedAt !== null)).toBe(true);
    expect(await reconcileCommunity(s.communityId, { rest })).toMatchObject({ checked: 2, fixed: 0 });
  });

  it("check bot reports a role above the bot's in plain words", async () => {
    const s = await setup();
    expect(await checkBot(FAKE_BOT.token, s.guildId, [{ tier: "Gold", roleId: s.roleId }], rest)).toMatchObject({ ok: true, problems: [] });
    // Dragged to the top, above the bot's role (Gold, Moderator, the bot: three roles above @everyone).
    expect(await control(`guilds/${s.guildId}/roles`, { id: s.roleId, name: "Gold role", position: 50 })).toMatchObject({ id: s.roleId, position: 3 });
    const check = await checkBot(
      FAKE_BOT.token,
      s.guildId,
      [
        { tier: "Gold", roleId: s.roleId },
        { tier: "Ghost", roleId: "388888888888888888" },
      ],
      rest,
    );
    expect(check.ok).toBe(false);
    expect(check.problems).toEqual([
      "The bot's role sits below “Gold role” (tier “Gold”). Drag the bot's role above it in Server Settings → Roles.",
      "The role of the tier “Ghost” (388888888888888888) does not exist in your server. Pick an existing role on the tier.",
    ]);
    expect((await checkBot("wrong", s.guildId, [], rest)).problems).toEqual([expect.stringMatching(/rejected the bot token/)]);
  });
});

describe("the worker's schedule", () => {
  it("parses, and every scheduled task exists", async () => {
    const { parseCrontab } = await import("graphile-worker");
    const { crontab, taskList } = await import("../lib/worker/tasks");
    const items = parseCrontab(crontab);
    expect(items.map((i) => i.task).sort()).toEqual([
      "analytics:ensure_partitions",
      "analytics:monthly_stats",
      "billing:expire_grace_periods",
      "discord:heartbeat",
      "discord:reconcile_all",
      "gdpr:apply_retention",
      "mail:winbacks",
      "security:purge_rate_limits",
    ]);
    for (const item of items) expect(taskList[item.task]).toBeTypeOf("function");
  });

  it("every job a change enqueues has a task to run it", async () => {
    const { taskList } = await import("../lib/worker/tasks");
    const { JOB_KINDS } = await import("../lib/jobs/enqueue");
    for (const kind of Object.values(JOB_KINDS)) expect(taskList[kind], kind).toBeTypeOf("function");
  });

  it("registers the slash commands in the guild", async () => {
    const s = await setup();
    const { registerCommands } = await import("../lib/discord/interactions");
    const registered = await registerCommands(rest(FAKE_BOT.token), FAKE_BOT.applicationId, s.guildId);
    expect(registered.map((c) => c.name)).toEqual(["subscribe", "status", "manage"]);
    expect(((await control(`guilds/${s.guildId}`)) as { commands: { name: string }[] }).commands.map((c) => c.name)).toEqual(["subscribe", "status", "manage"]);
  });
});

describe("bot token encryption", () => {
  const community = "7d6c2f7e-5a40-4c7e-9a51-0f2f2b9f6a11";
  it("round-trips, names its key, and fails with a wrong key, another community or an altered value", () => {
    const ring = parseKeyRing(newKeyEntry("k1"));
    const sealed = encryptToken("secret-token", community, ring);
    expect(sealed).not.toContain("secret-token");
    expect(keyIdOf(sealed)).toBe("k1");
    expect(decryptToken(sealed, community, ring)).toBe("secret-token");
    expect(() => decryptToken(sealed, community, parseKeyRing(newKeyEntry("k1")))).toThrow(/could not be decrypted/);
    expect(() => decryptToken(sealed, "00000000-0000-4000-8000-000000000000", ring)).toThrow(/could not be decrypted/);
    const [v, k, iv, ct, tag] = sealed.split(".");
    expect(() => decryptToken([v, k, iv, ct!.slice(0, -2) + (ct!.endsWith("A") ? "BB" : "AA"), tag].join("."), community, ring)).toThrow(
      /could not be decrypted/,
    );
    expect(() => decryptToken(sealed, community, parseKeyRing(newKeyEntry("k2")))).toThrow(/key "k1"/);
  });

  it("rotates: a new key first, the old one still listed, re-encrypts every token, reporting one it cannot open", async () => {
    const s = await setup();
    const damaged = await setup();
    await withCommunity(damaged.communityId, (tx) =>
      tx.discordBotConfig.update({ where: { communityId: damaged.communityId }, data: { botTokenEncrypted: "v1:damaged" } }),
    );
    const old = process.env.BOT_TOKEN_KEYS!;
    const { rotateBotTokens } = await import("../lib/discord/rotate-tokens");
    const { serverEnv } = await import("../lib/env");
    const fresh = newKeyEntry("rotated");
    // serverEnv() is cached per process: rotate through a ring built from the new list.
    const env = serverEnv() as { BOT_TOKEN_KEYS?: string };
    env.BOT_TOKEN_KEYS = `${fresh},${old}`;
    // Only this test's communities: other test files (and the e2e server) read the rest with the old key.
    const only = { communityIds: [s.communityId, damaged.communityId] };
    try {
      const { rotated, current, failed } = await rotateBotTokens(only);
      expect(current).toBe("rotated");
      expect(rotated).toBe(1);
      expect(failed).toEqual([{ communityId: damaged.communityId, reason: expect.stringMatching(/not a sealed bot token/) }]);
      const sealed = await withCommunity(s.communityId, (tx) =>
        tx.discordBotConfig.findUniqueOrThrow({ where: { communityId: s.communityId }, select: { botTokenEncrypted: true } }),
      );
      expect(keyIdOf(sealed.botTokenEncrypted!)).toBe("rotated");
      expect(decryptToken(sealed.botTokenEncrypted!, s.communityId, parseKeyRing(fresh))).toBe(FAKE_BOT.token);
      // And back: the old key current again.
      env.BOT_TOKEN_KEYS = `${old},${fresh}`;
      expect((await rotateBotTokens(only)).rotated).toBe(1);
      const back = await withCommunity(s.communityId, (tx) =>
        tx.discordBotConfig.findUniqueOrThrow({ where: { communityId: s.communityId }, select: { botTokenEncrypted: true } }),
      );
      expect(decryptToken(back.botTokenEncrypted!, s.communityId, parseKeyRing(old))).toBe(FAKE_BOT.token);
    } finally {
      env.BOT_TOKEN_KEYS = old;
    }
  });
});

describe("interactions", () => {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const publicHex = publicKey.export({ format: "der", type: "spki" }).subarray(12).toString("hex");
  const signed = (body: string, timestamp = String(Math.floor(Date.now() / 1000))) => ({
    timestamp,
    signature: edSign(null, Buffer.from(timestamp + body), privateKey).toString("hex"),
  });

  it("accepts Discord's signature and refuses a bad, missing, stale or altered one", () => {
    const body = JSON.stringify({ type: 1 });
    const { timestamp, signature } = signed(body);
    expect(verifyInteraction(publicHex, signature, timestamp, body)).toBe(true);
    expect(verifyInteraction(publicHex, signature, timestamp, body.replace("1", "2"))).toBe(false);
    expect(verifyInteraction(publicHex, null, timestamp, body)).toBe(false);
    expect(verifyInteraction(publicHex, "00".repeat(64), timestamp, body)).toBe(false);
    const stale = signed(body, String(Math.floor(Date.now() / 1000) - 600));
    expect(verifyInteraction(publicHex, stale.signature, stale.timestamp, body)).toBe(false);
  });

  it("answers PING, /subscribe with tiers and a link, /status with the caller's membership, /manage with the portal", async () => {
    const s = await setup();
    const { slug } = await db.community.findUniqueOrThrow({ where: { id: s.communityId }, select: { slug: true } });
    expect(await answerInteraction({ type: 1 }, "https://app.test")).toEqual({ status: 200, body: { type: 1 } });
    const command = (name: string) =>
      answerInteraction({ type: 2, guild_id: s.guildId, data: { name }, member: { user: { id: s.discordUserId } } }, "https://app.test");
    expect(((await command("subscribe")).body as { data: { content: string } }).data.content).toContain(`**Gold**: 5.00 USD / month`);
    expect(((await command("subscribe")).body as { data: { content: string } }).data.content).toContain(`https://app.test/c/${slug}`);
    expect(((await command("status")).body as { data: { content: string } }).data.content).toMatch(
      /^Your Gold membership is active until \d{4}-\d{2}-\d{2}\.$/,
    );
    expect(((await command("manage")).body as { data: { content: string } }).data.content).toBe(
      "Manage your membership and billing here: https://app.test/portal",
    );
  });
});
