// What the fake Discord knows, as Discord models it: users, servers with their
// roles (ordered by position), text channels, members and bans; which bots were
// authorized into which server; OAuth2 grants. Everything a test or the demo
// changes goes through here, so it can be saved and loaded (the dev server
// keeps it in .data beside the database, as Discord keeps it for real).
import { randomBytes } from "node:crypto";
import { FAKE_APPLICATIONS, FAKE_GUILDS, FAKE_USERS, PERMISSIONS, SEEDED_BOT_PERMISSIONS, type FakeApplication, type FakeUser, type GuildSpec } from "./data";

export type Role = { id: string; name: string; position: number; permissions: string; color: number; managed: boolean; botId?: string };
export type Channel = { id: string; name: string; position: number; type: 0 | 4 };
export type Member = { roles: string[]; joinedAt: string };
export type Guild = {
  id: string;
  name: string;
  ownerId: string;
  managers: string[];
  roles: Role[];
  channels: Channel[];
  members: Record<string, Member>;
  bans: string[];
  /** Application id -> the managed role its bot got when it was authorized. */
  bots: Record<string, string>;
};
export type Thread = { guildId: string; parentId: string; name: string; type: 11 | 12; members: string[] };
export type Grant = { userId: string; scopes: string[]; expiresAt: number; clientId: string };
export type UserSettings = { guildCount?: number; dmsOpen?: boolean };

export type DiscordState = {
  guilds: Record<string, Guild>;
  /** Access token -> grant; refresh token -> the grant it renews. */
  tokens: Record<string, Grant>;
  refreshTokens: Record<string, Grant>;
  users: Record<string, UserSettings>;
  commands: Record<string, unknown[]>;
  /** DM channel id -> the person it reaches. */
  dms: Record<string, string>;
  /** Threads the bots opened (private ones reach only who was added). Absent in states saved before threads. */
  threads?: Record<string, Thread>;
  /** A counter for the snowflakes the fake makes (roles, messages). */
  nextId: number;
};

/** Discord's role hierarchy: a role's place is its position; the owner and Administrator stand above all. */
export function topPosition(guild: Guild, userId: string): number {
  const member = guild.members[userId];
  if (!member) return -1;
  return Math.max(0, ...member.roles.map((r) => guild.roles.find((x) => x.id === r)?.position ?? 0));
}

export function permissionsOf(guild: Guild, userId: string): bigint {
  if (userId === guild.ownerId) return (1n << 50n) - 1n;
  const member = guild.members[userId];
  const everyone = BigInt(guild.roles.find((r) => r.id === guild.id)?.permissions ?? "0");
  if (!member) return everyone;
  const all = member.roles.reduce((acc, id) => acc | BigInt(guild.roles.find((r) => r.id === id)?.permissions ?? "0"), everyone);
  return (all & PERMISSIONS.ADMINISTRATOR) !== 0n ? (1n << 50n) - 1n : all;
}

export function has(guild: Guild, userId: string, permission: bigint): boolean {
  return (permissionsOf(guild, userId) & permission) !== 0n;
}

function guildFrom(spec: GuildSpec): Guild {
  const roles: Role[] = [
    {
      id: spec.id,
      name: "@everyone",
      position: 0,
      permissions: String(PERMISSIONS.VIEW_CHANNEL | PERMISSIONS.SEND_MESSAGES | PERMISSIONS.CREATE_INSTANT_INVITE),
      color: 0,
      managed: false,
    },
    ...spec.roles.map((r) => ({ id: r.id, name: r.name, position: r.position, permissions: String(r.permissions ?? 0n), color: r.color ?? 0, managed: false })),
  ];
  const members: Record<string, Member> = {};
  const joinedAt = new Date(Date.UTC(2025, 0, 15)).toISOString();
  for (const id of [spec.ownerId, ...(spec.managers ?? []), ...(spec.members ?? [])]) members[id] = { roles: [], joinedAt };
  const guild: Guild = {
    id: spec.id,
    name: spec.name,
    ownerId: spec.ownerId,
    managers: spec.managers ?? [],
    roles,
    channels: spec.channels.map((c) => ({ ...c, type: c.type ?? 0 })),
    members,
    bans: [],
    bots: {},
  };
  // A manager of the server holds a role with Manage Server.
  if (guild.managers.length) {
    const managerRole = {
      id: `${spec.id.slice(0, -3)}777`,
      name: "Managers",
      position: 0,
      permissions: String(PERMISSIONS.MANAGE_GUILD),
      color: 0,
      managed: false,
    };
    guild.roles.push(managerRole);
    for (const id of guild.managers) members[id]!.roles.push(managerRole.id);
  }
  return guild;
}

export function initialState(): DiscordState {
  const state: DiscordState = { guilds: {}, tokens: {}, refreshTokens: {}, users: {}, commands: {}, dms: {}, nextId: 1 };
  for (const spec of FAKE_GUILDS) {
    const guild = guildFrom(spec);
    state.guilds[guild.id] = guild;
    if (spec.botPosition !== undefined) installBot(state, guild, FAKE_APPLICATIONS[0]!, SEEDED_BOT_PERMISSIONS, spec.botPosition);
  }
  normalisePositions(Object.values(state.guilds));
  return state;
}

/** A snowflake the fake has never given out (time-based like Discord's, with a counter). */
export function snowflake(state: DiscordState): string {
  const id = ((BigInt(Date.now()) - 1420070400000n) << 22n) | BigInt(state.nextId++ % 4096);
  return id.toString();
}

/** Keeps positions dense (0..n), in their current order, as Discord shows them. */
function normalisePositions(guilds: Guild[]) {
  for (const guild of guilds) {
    const rest = guild.roles.filter((r) => r.id !== guild.id).sort((a, b) => a.position - b.position);
    rest.forEach((r, i) => (r.position = i + 1));
  }
}

/** The bot joins through the authorization flow: a managed role named after it, with the permissions it asked for. */
export function installBot(state: DiscordState, guild: Guild, app: FakeApplication, permissions: bigint, position = 1): Role {
  const existing = guild.bots[app.id];
  const role: Role = existing
    ? guild.roles.find((r) => r.id === existing)!
    : { id: snowflake(state), name: app.botName, position: position - 0.5, permissions: String(permissions), color: 0, managed: true, botId: app.botUserId };
  if (!existing) {
    // Discord puts a new role at the given place and moves the others up.
    guild.roles.push(role);
    normalisePositions([guild]);
  } else {
    role.permissions = String(permissions);
  }
  guild.bots[app.id] = role.id;
  guild.members[app.botUserId] = { roles: [role.id], joinedAt: new Date().toISOString() };
  return role;
}

export function removeBot(guild: Guild, app: FakeApplication) {
  const roleId = guild.bots[app.id];
  delete guild.bots[app.id];
  delete guild.members[app.botUserId];
  guild.roles = guild.roles.filter((r) => r.id !== roleId);
  normalisePositions([guild]);
}

/** A role made by a bot (or the owner) lands just above @everyone, below everything else. */
export function createRole(state: DiscordState, guild: Guild, fields: { name: string; color?: number; permissions?: string }): Role {
  const role: Role = {
    id: snowflake(state),
    name: fields.name,
    position: 0.5,
    permissions: fields.permissions ?? "0",
    color: fields.color ?? 0,
    managed: false,
  };
  guild.roles.push(role);
  normalisePositions([guild]);
  return role;
}

export function moveRole(guild: Guild, roleId: string, position: number) {
  const role = guild.roles.find((r) => r.id === roleId);
  if (!role) return;
  role.position = position + (role.position < position ? 0.5 : -0.5);
  normalisePositions([guild]);
}

export function userProfile(id: string): FakeUser {
  const known = FAKE_USERS.find((u) => u.id === id);
  if (known) return known;
  const app = FAKE_APPLICATIONS.find((a) => a.botUserId === id);
  if (app)
    return {
      id,
      username: app.botName.toLowerCase().replaceAll(" ", "_"),
      global_name: app.botName,
      discriminator: "0",
      avatar: null,
      email: null,
      locale: "en-US",
      premium_type: 0,
      role: "bot",
    };
  // Seeded community members: people the demo seed put in a server.
  return {
    id,
    username: `member_${id.slice(-6)}`,
    global_name: null,
    discriminator: "0",
    avatar: null,
    email: null,
    locale: "en-US",
    premium_type: 0,
    role: "a member",
  };
}

export function grantTokens(state: DiscordState, grant: Grant): { accessToken: string; refreshToken: string } {
  const accessToken = `fake-${randomBytes(18).toString("hex")}`;
  const refreshToken = `refresh-${randomBytes(12).toString("hex")}`;
  state.tokens[accessToken] = grant;
  state.refreshTokens[refreshToken] = grant;
  return { accessToken, refreshToken };
}

/** Servers a user is in: Discord's limit is 100 (200 with Nitro); a test may pretend there are more. */
export function guildCountOf(state: DiscordState, userId: string): number {
  return state.users[userId]?.guildCount ?? Object.values(state.guilds).filter((g) => g.members[userId]).length;
}
