// Who joins and leaves a community's server, as it happens: the worker holds a
// gateway connection per bot token (the platform's, and each owner's own) with
// the Guild Members intent. A paying member who leaves and comes back gets their
// roles back within seconds; a member who leaves is marked; welcome and
// farewell follow real arrivals and departures. With several workers running,
// one holds each connection (a PostgreSQL advisory lock); if it dies, another
// takes over at its next look.
import { createHash } from "node:crypto";
import { GatewayDispatchEvents, GatewayIntentBits, type GatewayDispatchPayload } from "discord-api-types/v10";
import { WebSocketManager, WebSocketShardEvents } from "@discordjs/ws";
import pg from "pg";
import { db } from "../db/client";
import { withCommunity, rowKey } from "../db/scopes";
import { enqueueJob, JOB_KINDS, requestRoleSync } from "../jobs/enqueue";
import { log } from "../observability/log";
import { givesAccess } from "../billing/member-standing";
import { activeBot } from "./bot-config";
import { botRest, discordApiBase } from "./bot-rest";
import { communitiesLinking, setServerStatus } from "./linked-servers";

type Watch = { manager: WebSocketManager; lock: pg.Client };

/**
 * A member arrived in or left a server: what it changes for the community that
 * server belongs to, and for every community that links it (their roles there
 * come back on return; welcome and farewell are the own server's alone).
 */
export async function onGuildMember(
  kind: "add" | "remove",
  guildId: string,
  discordUserId: string,
  now = new Date(),
): Promise<"ignored" | "restored" | "marked"> {
  const [community, linking] = await Promise.all([
    db.community.findFirst({ where: { discordGuildId: guildId, status: { not: "archived" } }, select: { id: true } }),
    communitiesLinking(guildId),
  ]);
  const outcomes = [
    ...(community ? [await inOwnServer(community.id, kind, discordUserId, now)] : []),
    ...(await Promise.all(linking.map((c) => inLinkedServer(c.id, guildId, kind, discordUserId)))),
  ];
  return outcomes.find((o) => o !== "ignored") ?? "ignored";
}

function inOwnServer(communityId: string, kind: "add" | "remove", discordUserId: string, now: Date): Promise<"ignored" | "restored" | "marked"> {
  return withCommunity(communityId, async (tx) => {
    const member = await tx.communityMember.findFirst({
      where: { discordUserId, erasedAt: null },
      select: { id: true, subscriptionStatus: true, guildStatus: true },
    });
    if (!member) return "ignored";
    const paying = givesAccess(member.subscriptionStatus);
    await tx.communityMember.update({
      where: rowKey(member.id),
      data: { guildStatus: kind === "add" ? "joined" : "left", guildStatusAt: now },
      select: { id: true },
    });
    if (kind === "add") {
      // Back in the server: their roles come back at once, and they are welcomed.
      await requestRoleSync(tx, communityId, member.id, "joined the server");
      if (paying)
        await enqueueJob(tx, JOB_KINDS.welcome, { communityId, memberId: member.id }, { key: `welcome:${member.id}`, runAt: new Date(now.getTime() + 3000) });
      return "restored";
    }
    if (paying) await enqueueJob(tx, JOB_KINDS.farewell, { communityId, memberId: member.id }, { key: `farewell:${member.id}` });
    return "marked";
  });
}

function inLinkedServer(communityId: string, guildId: string, kind: "add" | "remove", discordUserId: string): Promise<"ignored" | "restored" | "marked"> {
  return withCommunity(communityId, async (tx) => {
    const member = await tx.communityMember.findFirst({ where: { discordUserId, erasedAt: null }, select: { id: true } });
    if (!member) return "ignored";
    await setServerStatus(tx, communityId, member.id, { [guildId]: kind === "add" ? "joined" : "left" });
    if (kind === "remove") return "marked";
    await requestRoleSync(tx, communityId, member.id, "joined a linked server");
    return "restored";
  });
}

function lockKey(token: string): string {
  return `gateway:${createHash("sha256").update(token).digest("hex").slice(0, 32)}`;
}

/** The bot tokens in use: the platform's (once any community uses it) and each community's own. */
async function tokensInUse(): Promise<string[]> {
  const communities = await db.community.findMany({ where: { status: { not: "archived" } }, select: { id: true } });
  const tokens = new Set<string>();
  for (const { id } of communities) {
    const bot = await withCommunity(id, (tx) => activeBot(tx, id)).catch(() => null);
    if (bot) tokens.add(bot.token);
  }
  return [...tokens];
}

/**
 * Keeps a gateway connection open for every bot token in use, looking again
 * every `every` ms for new bots and for connections another worker dropped.
 */
export function watchGateways(options: { databaseUrl: string; every?: number }): { stop: () => Promise<void> } {
  const watches = new Map<string, Watch>();
  let stopped = false;

  async function connect(token: string) {
    const lock = new pg.Client({ connectionString: options.databaseUrl, application_name: "communityos-gateway" });
    await lock.connect();
    const { rows } = await lock.query<{ held: boolean }>("SELECT pg_try_advisory_lock(hashtext($1)) AS held", [lockKey(token)]);
    if (!rows[0]?.held) {
      await lock.end();
      return;
    }
    const manager = new WebSocketManager({ token, intents: GatewayIntentBits.Guilds | GatewayIntentBits.GuildMembers, rest: botRest(token, discordApiBase()) });
    manager.on(WebSocketShardEvents.Dispatch, (payload: GatewayDispatchPayload) => {
      const event =
        payload.t === GatewayDispatchEvents.GuildMemberAdd
          ? { kind: "add" as const, guildId: payload.d.guild_id, userId: payload.d.user.id }
          : payload.t === GatewayDispatchEvents.GuildMemberRemove
            ? { kind: "remove" as const, guildId: payload.d.guild_id, userId: payload.d.user.id }
            : null;
      if (!event) return;
      void onGuildMember(event.kind, event.guildId, event.userId).catch((error) =>
        log.error({ err: error, ...event }, "a gateway member event could not be applied"),
      );
    });
    manager.on(WebSocketShardEvents.Error, (error) => log.warn({ err: error }, "gateway connection error"));
    watches.set(token, { manager, lock });
    // The lock connection dying means another worker may take over: stop ours too.
    lock.on("error", () => void drop(token));
    try {
      await manager.connect();
      log.info({ bot: lockKey(token).slice(8, 16) }, "watching the gateway");
    } catch (error) {
      log.warn({ err: error }, "could not connect to the gateway; trying again later");
      await drop(token);
    }
  }

  async function drop(token: string) {
    const watch = watches.get(token);
    if (!watch) return;
    watches.delete(token);
    await Promise.resolve(watch.manager.destroy()).catch(() => undefined);
    await watch.lock.end().catch(() => undefined);
  }

  async function look() {
    if (stopped) return;
    try {
      const tokens = await tokensInUse();
      for (const token of tokens) if (!watches.has(token)) await connect(token);
      for (const token of [...watches.keys()]) if (!tokens.includes(token)) await drop(token);
    } catch (error) {
      log.warn({ err: error }, "gateway watch could not look for bots");
    }
  }

  const timer = setInterval(() => void look(), options.every ?? 30_000);
  void look();
  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      for (const token of [...watches.keys()]) await drop(token);
    },
  };
}
