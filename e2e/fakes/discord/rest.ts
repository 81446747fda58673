// The fake's REST API, route by route as Discord's OpenAPI spec names them
// (tests/discord-fake-spec.test.ts checks each route and answer against the
// `discord-api-spec` package). It applies Discord's rules and refusals: a bot
// acts only in servers it was authorized into, only people who joined are
// members (10007), role changes respect Manage Roles and the hierarchy
// (50013), adding a member needs their guilds.join grant (50025), a ban
// (40007) and the server limit (30001).
import type { IncomingMessage, ServerResponse } from "node:http";
import { RESTJSONErrorCodes } from "discord-api-types/v10";
import { FAKE_APPLICATIONS, PERMISSIONS, type FakeApplication } from "./data";
import {
  createRole,
  guildCountOf,
  has,
  permissionsOf,
  snowflake,
  topPosition,
  userProfile,
  type DiscordState,
  type Grant,
  type Guild,
  type Role,
} from "./state";

export type Caller = { kind: "bot"; app: FakeApplication } | { kind: "bearer"; grant: Grant; token: string } | { kind: "none" };

export type RouteContext = {
  state: DiscordState;
  caller: Caller;
  params: Record<string, string>;
  body: Record<string, unknown>;
  query: URLSearchParams;
  base: string;
  /** Something changed: save it, and tell gateway sessions about member changes. */
  changed: (event?: MemberEvent) => void;
  /** Messages the bots sent (tests and the demo read them; not saved). */
  messages: SentMessage[];
};
export type SentMessage = { channelId: string; content: string; at: string };
export type MemberEvent = { type: "GUILD_MEMBER_ADD" | "GUILD_MEMBER_REMOVE"; guildId: string; userId: string };
export type Answer = { status: number; body?: unknown };
export type Route = {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  auth: "bot" | "bearer" | "either";
  handle: (ctx: RouteContext) => Answer;
};

const error = (status: number, code: number, message: string): Answer => ({ status, body: { message, code } });
const missingPermissions = () => error(403, RESTJSONErrorCodes.MissingPermissions, "Missing Permissions");
const missingAccess = () => error(403, RESTJSONErrorCodes.MissingAccess, "Missing Access");

// ---------------------------------------------------------------- shapes, as the spec gives them
export function userJson(id: string, withPrivate = false) {
  const u = userProfile(id);
  const app = FAKE_APPLICATIONS.find((a) => a.botUserId === id);
  const base = {
    id,
    username: u.username,
    avatar: u.avatar,
    discriminator: u.discriminator,
    public_flags: 0,
    flags: 0,
    global_name: u.global_name,
    primary_guild: null,
    ...(app ? { bot: true } : {}),
  };
  return withPrivate ? { ...base, mfa_enabled: false, locale: u.locale, premium_type: u.premium_type, email: u.email, verified: u.email !== null } : base;
}

export function roleJson(role: Role) {
  return {
    id: role.id,
    name: role.name,
    permissions: role.permissions,
    position: role.position,
    color: role.color,
    colors: { primary_color: role.color, secondary_color: null, tertiary_color: null },
    hoist: false,
    managed: role.managed,
    mentionable: false,
    icon: null,
    unicode_emoji: null,
    flags: 0,
    ...(role.botId ? { tags: { bot_id: role.botId } } : {}),
  };
}

export function memberJson(guild: Guild, userId: string) {
  const member = guild.members[userId]!;
  return {
    avatar: null,
    banner: null,
    communication_disabled_until: null,
    flags: 0,
    joined_at: member.joinedAt,
    nick: null,
    pending: false,
    premium_since: null,
    roles: member.roles,
    user: userJson(userId),
    mute: false,
    deaf: false,
  };
}

function channelJson(guild: Guild, channel: Guild["channels"][number]) {
  return {
    id: channel.id,
    type: channel.type,
    flags: 0,
    guild_id: guild.id,
    name: channel.name,
    parent_id: null,
    position: channel.position,
    permission_overwrites: [],
    nsfw: false,
    topic: null,
    rate_limit_per_user: 0,
    last_message_id: null,
  };
}

function guildJson(guild: Guild) {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    description: null,
    home_header: null,
    splash: null,
    discovery_splash: null,
    features: [],
    banner: null,
    owner_id: guild.ownerId,
    application_id: null,
    region: "deprecated",
    afk_channel_id: null,
    afk_timeout: 300,
    system_channel_id: guild.channels[0]?.id ?? null,
    system_channel_flags: 0,
    widget_enabled: false,
    widget_channel_id: null,
    verification_level: 1,
    roles: guild.roles.map(roleJson),
    default_message_notifications: 0,
    mfa_level: 0,
    explicit_content_filter: 0,
    max_presences: null,
    max_members: 500000,
    max_stage_video_channel_users: 50,
    max_video_channel_users: 25,
    vanity_url_code: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: "en-US",
    rules_channel_id: null,
    safety_alerts_channel_id: null,
    public_updates_channel_id: null,
    premium_progress_bar_enabled: false,
    nsfw: false,
    nsfw_level: 0,
    emojis: [],
    stickers: [],
    incidents_data: null,
  };
}

// ---------------------------------------------------------------- helpers
/** The server, as the calling bot may see it: unknown (10004) or not authorized into it (50001). */
/** A route on one guild: 10004 when it doesn't exist, 50001 when the calling bot isn't in it. */
function onGuild(handle: (ctx: RouteContext, guild: Guild) => Answer): Route["handle"] {
  return (ctx) => {
    const guild = ctx.state.guilds[ctx.params.guild_id!];
    if (!guild) return error(404, RESTJSONErrorCodes.UnknownGuild, "Unknown Guild");
    if (ctx.caller.kind === "bot" && !guild.bots[ctx.caller.app.id]) return missingAccess();
    return handle(ctx, guild);
  };
}
const botId = (ctx: RouteContext) => (ctx.caller.kind === "bot" ? ctx.caller.app.botUserId : "");

/** Whether the bot may give or take this role: Manage Roles, below its highest role, not an integration's. */
function canManageRole(guild: Guild, botUserId: string, role: Role): boolean {
  return has(guild, botUserId, PERMISSIONS.MANAGE_ROLES) && !role.managed && role.position < topPosition(guild, botUserId);
}

// ---------------------------------------------------------------- routes
/** Registers guild commands as Discord answers it: the whole list replaced. */
const putGuildCommands = onGuild((ctx, guild) => {
  const commands = Array.isArray(ctx.body) ? (ctx.body as Record<string, unknown>[]) : [];
  ctx.state.commands[guild.id] = commands;
  ctx.changed();
  return {
    status: 200,
    body: commands.map((c) => ({
      id: snowflake(ctx.state),
      application_id: ctx.params.application_id,
      version: snowflake(ctx.state),
      default_member_permissions: null,
      type: 1,
      name: c.name,
      description: c.description ?? "",
      guild_id: guild.id,
      dm_permission: false,
      contexts: null,
      integration_types: [0],
      options: c.options ?? [],
      nsfw: false,
    })),
  };
});

export const ROUTES: Route[] = [
  {
    method: "GET",
    path: "/users/@me",
    auth: "either",
    handle: (ctx) => {
      if (ctx.caller.kind === "bot") return { status: 200, body: userJson(ctx.caller.app.botUserId, true) };
      if (ctx.caller.kind !== "bearer" || !ctx.caller.grant.scopes.includes("identify")) return error(401, 0, "401: Unauthorized");
      const profile = userJson(ctx.caller.grant.userId, true);
      if (!ctx.caller.grant.scopes.includes("email")) return { status: 200, body: { ...profile, email: undefined, verified: undefined } };
      return { status: 200, body: profile };
    },
  },
  {
    method: "GET",
    path: "/users/@me/guilds",
    auth: "bearer",
    handle: (ctx) => {
      if (ctx.caller.kind !== "bearer" || !ctx.caller.grant.scopes.includes("guilds")) return error(403, RESTJSONErrorCodes.MissingAccess, "Missing Access");
      const userId = ctx.caller.grant.userId;
      const guilds = Object.values(ctx.state.guilds).filter((g) => g.members[userId]);
      return {
        status: 200,
        body: guilds.map((g) => ({
          id: g.id,
          name: g.name,
          icon: null,
          banner: null,
          owner: g.ownerId === userId,
          permissions: String(permissionsOf(g, userId)),
          features: [],
        })),
      };
    },
  },
  {
    method: "GET",
    path: "/gateway/bot",
    auth: "bot",
    handle: (ctx) => ({
      status: 200,
      body: {
        url: `${ctx.base.replace(/^http/, "ws")}/gateway`,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
      },
    }),
  },
  {
    method: "POST",
    path: "/users/@me/channels",
    auth: "bot",
    handle: (ctx) => {
      const recipient = String(ctx.body.recipient_id ?? "");
      if (!/^\d{17,20}$/.test(recipient)) return error(400, RESTJSONErrorCodes.InvalidFormBodyOrContentType, "Invalid Form Body");
      const id = Object.entries(ctx.state.dms).find(([, user]) => user === recipient)?.[0] ?? snowflake(ctx.state);
      if (!ctx.state.dms[id]) {
        ctx.state.dms[id] = recipient;
        ctx.changed();
      }
      return { status: 200, body: { id, type: 1, flags: 0, last_message_id: null, recipients: [userJson(recipient)] } };
    },
  },
  {
    method: "POST",
    path: "/channels/{channel_id}/messages",
    auth: "bot",
    handle: (ctx) => {
      const content = typeof ctx.body.content === "string" ? ctx.body.content : "";
      if (!content) return error(400, RESTJSONErrorCodes.CannotSendAnEmptyMessage, "Cannot send an empty message");
      const channelId = ctx.params.channel_id!;
      const dmUser = ctx.state.dms[channelId];
      if (dmUser) {
        // A DM reaches someone who shares a server with the bot and leaves DMs open.
        const shares = Object.values(ctx.state.guilds).some((g) => g.members[dmUser] && g.members[botId(ctx)]);
        if (!shares || ctx.state.users[dmUser]?.dmsOpen === false)
          return error(403, RESTJSONErrorCodes.CannotSendMessagesToThisUser, "Cannot send messages to this user");
      } else if (ctx.state.threads?.[channelId]) {
        const thread = ctx.state.threads[channelId]!;
        const guild = ctx.state.guilds[thread.guildId];
        if (!guild?.members[botId(ctx)]) return missingAccess();
        if (!has(guild, botId(ctx), PERMISSIONS.SEND_MESSAGES_IN_THREADS)) return missingPermissions();
      } else {
        const guild = Object.values(ctx.state.guilds).find((g) => g.channels.some((c) => c.id === channelId));
        if (!guild) return error(404, RESTJSONErrorCodes.UnknownChannel, "Unknown Channel");
        if (!guild.members[botId(ctx)]) return missingAccess();
      }
      const message = { id: snowflake(ctx.state), channel_id: channelId, content, at: new Date().toISOString() };
      ctx.messages.push({ channelId, content, at: message.at });
      ctx.changed();
      return { status: 200, body: messageJson(message, botId(ctx)) };
    },
  },
  {
    method: "POST",
    path: "/channels/{channel_id}/threads",
    auth: "bot",
    // A thread without a message: public (11) or private (12); a private one needs Create Private Threads.
    handle: (ctx) => {
      const parentId = ctx.params.channel_id!;
      const guild = Object.values(ctx.state.guilds).find((g) => g.channels.some((c) => c.id === parentId));
      if (!guild) return error(404, RESTJSONErrorCodes.UnknownChannel, "Unknown Channel");
      if (!guild.members[botId(ctx)]) return missingAccess();
      const name = typeof ctx.body.name === "string" ? ctx.body.name.trim() : "";
      const type = ctx.body.type === undefined ? 12 : ctx.body.type;
      if (!name || name.length > 100 || (type !== 11 && type !== 12)) return error(400, RESTJSONErrorCodes.InvalidFormBodyOrContentType, "Invalid Form Body");
      if (type === 12 && !has(guild, botId(ctx), PERMISSIONS.CREATE_PRIVATE_THREADS)) return missingPermissions();
      const id = snowflake(ctx.state);
      ctx.state.threads ??= {};
      ctx.state.threads[id] = { guildId: guild.id, parentId, name, type, members: [botId(ctx)] };
      ctx.changed();
      return {
        status: 201,
        body: {
          id,
          type,
          guild_id: guild.id,
          parent_id: parentId,
          name,
          flags: 0,
          last_message_id: null,
          rate_limit_per_user: 0,
          owner_id: botId(ctx),
          message_count: 0,
          member_count: 1,
          total_message_sent: 0,
          thread_metadata: {
            archived: false,
            auto_archive_duration: Number(ctx.body.auto_archive_duration ?? 4320),
            archive_timestamp: new Date().toISOString(),
            locked: false,
            invitable: ctx.body.invitable !== false,
          },
        },
      };
    },
  },
  {
    method: "PUT",
    path: "/channels/{channel_id}/thread-members/{user_id}",
    auth: "bot",
    handle: (ctx) => {
      const thread = ctx.state.threads?.[ctx.params.channel_id!];
      if (!thread) return error(404, RESTJSONErrorCodes.UnknownChannel, "Unknown Channel");
      const guild = ctx.state.guilds[thread.guildId]!;
      if (!guild.members[ctx.params.user_id!]) return error(404, RESTJSONErrorCodes.UnknownMember, "Unknown Member");
      if (!thread.members.includes(ctx.params.user_id!)) thread.members.push(ctx.params.user_id!);
      ctx.changed();
      return { status: 204 };
    },
  },
  {
    method: "PUT",
    path: "/applications/{application_id}/guilds/{guild_id}/commands",
    auth: "bot",
    // Checked in Discord's order: an application writes only its own commands (50001), then the guild.
    handle: (ctx) => (ctx.caller.kind !== "bot" || ctx.caller.app.id !== ctx.params.application_id ? missingAccess() : putGuildCommands(ctx)),
  },
  {
    method: "GET",
    path: "/guilds/{guild_id}",
    auth: "bot",
    handle: onGuild((_ctx, guild) => ({ status: 200, body: guildJson(guild) })),
  },
  {
    method: "GET",
    path: "/guilds/{guild_id}/roles",
    auth: "bot",
    handle: onGuild((_ctx, guild) => ({ status: 200, body: [...guild.roles].sort((a, b) => a.position - b.position).map(roleJson) })),
  },
  {
    method: "POST",
    path: "/guilds/{guild_id}/roles",
    auth: "bot",
    handle: onGuild((ctx, guild) => {
      if (!has(guild, botId(ctx), PERMISSIONS.MANAGE_ROLES)) return missingPermissions();
      const name = typeof ctx.body.name === "string" && ctx.body.name.trim() ? ctx.body.name.trim().slice(0, 100) : "new role";
      if (guild.roles.length >= 250) return error(400, RESTJSONErrorCodes.MaximumNumberOfGuildRolesReached, "Maximum number of server roles reached (250)");
      const role = createRole(ctx.state, guild, { name, color: typeof ctx.body.color === "number" ? ctx.body.color : 0 });
      ctx.changed();
      return { status: 200, body: roleJson(role) };
    }),
  },
  {
    method: "GET",
    path: "/guilds/{guild_id}/channels",
    auth: "bot",
    handle: onGuild((_ctx, guild) => ({ status: 200, body: guild.channels.map((c) => channelJson(guild, c)) })),
  },
  {
    method: "GET",
    path: "/guilds/{guild_id}/members/{user_id}",
    auth: "bot",
    handle: onGuild((ctx, guild) => {
      if (!guild.members[ctx.params.user_id!]) return error(404, RESTJSONErrorCodes.UnknownMember, "Unknown Member");
      return { status: 200, body: memberJson(guild, ctx.params.user_id!) };
    }),
  },
  {
    method: "PUT",
    path: "/guilds/{guild_id}/members/{user_id}",
    auth: "bot",
    handle: onGuild((ctx, guild) => {
      const userId = ctx.params.user_id!;
      const grant = ctx.state.tokens[String(ctx.body.access_token ?? "")];
      // The access token must be the user's own, unexpired, with guilds.join, granted to this bot's application.
      if (
        !grant ||
        grant.userId !== userId ||
        grant.expiresAt < Date.now() ||
        !grant.scopes.includes("guilds.join") ||
        ctx.caller.kind !== "bot" ||
        grant.clientId !== ctx.caller.app.id
      ) {
        return error(403, RESTJSONErrorCodes.InvalidOAuth2AccessToken, "Invalid OAuth2 access token");
      }
      if (guild.members[userId]) return { status: 204 };
      if (!has(guild, botId(ctx), PERMISSIONS.CREATE_INSTANT_INVITE)) return missingPermissions();
      if (guild.bans.includes(userId)) return error(403, RESTJSONErrorCodes.UserBannedFromThisGuild, "The user is banned from this guild.");
      if (guildCountOf(ctx.state, userId) >= 100) return error(400, RESTJSONErrorCodes.MaximumNumberOfGuildsReached, "Maximum number of guilds reached (100)");
      guild.members[userId] = { roles: [], joinedAt: new Date().toISOString() };
      ctx.changed({ type: "GUILD_MEMBER_ADD", guildId: guild.id, userId });
      return { status: 201, body: memberJson(guild, userId) };
    }),
  },
  {
    method: "DELETE",
    path: "/guilds/{guild_id}/members/{user_id}",
    auth: "bot",
    handle: onGuild((ctx, guild) => {
      const userId = ctx.params.user_id!;
      if (!guild.members[userId]) return error(404, RESTJSONErrorCodes.UnknownMember, "Unknown Member");
      if (!has(guild, botId(ctx), PERMISSIONS.KICK_MEMBERS) || topPosition(guild, userId) >= topPosition(guild, botId(ctx)) || userId === guild.ownerId)
        return missingPermissions();
      delete guild.members[userId];
      ctx.changed({ type: "GUILD_MEMBER_REMOVE", guildId: guild.id, userId });
      return { status: 204 };
    }),
  },
  ...(["PUT", "DELETE"] as const).map((method): Route => ({
    method,
    path: "/guilds/{guild_id}/members/{user_id}/roles/{role_id}",
    auth: "bot",
    handle: onGuild((ctx, guild) => {
      const member = guild.members[ctx.params.user_id!];
      if (!member) return error(404, RESTJSONErrorCodes.UnknownMember, "Unknown Member");
      const role = guild.roles.find((r) => r.id === ctx.params.role_id);
      if (!role) return error(404, RESTJSONErrorCodes.UnknownRole, "Unknown Role");
      if (!canManageRole(guild, botId(ctx), role)) return missingPermissions();
      member.roles = method === "PUT" ? [...new Set([...member.roles, role.id])] : member.roles.filter((r) => r !== role.id);
      ctx.changed();
      return { status: 204 };
    }),
  })),
];

function messageJson(message: { id: string; channel_id: string; content: string; at: string }, authorId: string) {
  return {
    id: message.id,
    channel_id: message.channel_id,
    author: userJson(authorId),
    content: message.content,
    timestamp: message.at,
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: [],
    pinned: false,
    type: 0,
    flags: 0,
    components: [],
  };
}

/** The route for a request, with its path parameters (templates as the spec writes them). */
export function matchRoute(method: string, path: string): { route: Route; params: Record<string, string> } | null {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const names: string[] = [];
    const pattern = new RegExp(`^${route.path.replace(/\{(\w+)\}/g, (_m, name: string) => (names.push(name), "(\\d+)"))}$`);
    const match = pattern.exec(path);
    if (match) return { route, params: Object.fromEntries(names.map((n, i) => [n, match[i + 1]!])) };
  }
  return null;
}

export async function readJson(req: IncomingMessage): Promise<{ raw: string; json: unknown }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString("utf8");
  try {
    return { raw, json: raw ? JSON.parse(raw) : {} };
  } catch {
    return { raw, json: null };
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  if (status === 204 || body === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}
