import { DEMO_BOT, DEMO_OWN_BOT } from "../../../lib/discord/demo";
// The people, applications and servers of the fake Discord. Ids match the demo
// seed (prisma/seed.ts): signing in as Alice lands on her seeded communities,
// whose servers hold the seeded tiers' roles and channels.

export type FakeUser = {
  id: string;
  username: string;
  global_name: string | null;
  discriminator: string;
  avatar: string | null;
  email: string | null;
  locale: string;
  premium_type: number;
  /** Who they are in the demo, shown on the fake's sign-in page. */
  role: string;
};

export const PERMISSIONS = {
  CREATE_INSTANT_INVITE: 1n << 0n,
  KICK_MEMBERS: 1n << 1n,
  ADMINISTRATOR: 1n << 3n,
  MANAGE_GUILD: 1n << 5n,
  VIEW_CHANNEL: 1n << 10n,
  SEND_MESSAGES: 1n << 11n,
  MANAGE_ROLES: 1n << 28n,
  CREATE_PRIVATE_THREADS: 1n << 36n,
  SEND_MESSAGES_IN_THREADS: 1n << 38n,
} as const;

/** What a bot the demo finds already installed may do (as the platform bot asks for). */
export const SEEDED_BOT_PERMISSIONS =
  PERMISSIONS.MANAGE_ROLES |
  PERMISSIONS.SEND_MESSAGES |
  PERMISSIONS.VIEW_CHANNEL |
  PERMISSIONS.CREATE_INSTANT_INVITE |
  PERMISSIONS.KICK_MEMBERS |
  PERMISSIONS.CREATE_PRIVATE_THREADS |
  PERMISSIONS.SEND_MESSAGES_IN_THREADS;

export const FAKE_USERS: FakeUser[] = [
  {
    id: "100000000000000001",
    username: "alice",
    global_name: "Alice Owner",
    discriminator: "0",
    avatar: null,
    email: "alice@example.com",
    locale: "en-US",
    premium_type: 2,
    role: "Owner of Pixel Guild and Study Hall",
  },
  // Discord sends email: null when the user has none verified; sign-in must still work.
  {
    id: "100000000000000002",
    username: "bob",
    global_name: "Bob Member",
    discriminator: "0",
    avatar: null,
    email: null,
    locale: "en-GB",
    premium_type: 0,
    role: "A member (no e-mail on Discord)",
  },
  {
    id: "100000000000000003",
    username: "carol",
    global_name: "Carol Owner",
    discriminator: "0",
    avatar: "a_0123456789abcdef0123456789abcdef",
    email: "carol@example.com",
    locale: "fr",
    premium_type: 1,
    role: "Owner of Trading Desk",
  },
  // Not in the demo seed, and in none of the servers: a newcomer who pays and is added by the bot.
  {
    id: "100000000000000004",
    username: "erin",
    global_name: "Erin Newcomer",
    discriminator: "0",
    avatar: null,
    email: "erin@example.com",
    locale: "en-US",
    premium_type: 0,
    role: "A newcomer",
  },
  // Erin's second account, for "Switch Discord account".
  {
    id: "100000000000000005",
    username: "erin_alt",
    global_name: "Erin (second account)",
    discriminator: "0",
    avatar: null,
    email: null,
    locale: "en-US",
    premium_type: 0,
    role: "Erin's other Discord account",
  },
];

/** An application with a bot user. The first is the platform's; the second an owner's own bot. */
export type FakeApplication = { id: string; secret: string; botUserId: string; botName: string; token: string };
export const FAKE_APPLICATIONS: FakeApplication[] = [
  { id: DEMO_BOT.applicationId, secret: DEMO_BOT.clientSecret, botUserId: DEMO_BOT.userId, botName: DEMO_BOT.name, token: DEMO_BOT.token },
  { id: DEMO_OWN_BOT.applicationId, secret: "demo-own-bot-secret", botUserId: DEMO_OWN_BOT.userId, botName: DEMO_OWN_BOT.name, token: DEMO_OWN_BOT.token },
];

export type RoleSpec = { id: string; name: string; position: number; permissions?: bigint; color?: number };
export type ChannelSpec = { id: string; name: string; position: number; type?: 0 | 4 };
export type GuildSpec = {
  id: string;
  name: string;
  ownerId: string;
  /** Other people who may manage the server (Manage Server), besides the owner. */
  managers?: string[];
  /** People in the server from the start (besides the owner and managers). */
  members?: string[];
  roles: RoleSpec[];
  channels: ChannelSpec[];
  /** The platform bot is already in the server, its role at this position (the owner dragged it up). */
  botPosition?: number;
};

const text = (id: string, name: string, position: number): ChannelSpec => ({ id, name, position });

export const FAKE_GUILDS: GuildSpec[] = [
  {
    id: "200000000000000001",
    name: "Pixel Guild",
    ownerId: "100000000000000001",
    members: ["100000000000000002"],
    roles: [
      { id: "300000000000000001", name: "Supporter", position: 1, color: 0x57f287 },
      { id: "300000000000000002", name: "Pro", position: 2, color: 0x5865f2 },
      { id: "300000000000000003", name: "Patron", position: 3, color: 0xfee75c },
      { id: "390000000000000001", name: "Moderator", position: 4, color: 0xeb459e, permissions: PERMISSIONS.KICK_MEMBERS },
      // Above the bot: a tier may not grant it (Discord's role hierarchy).
      { id: "390000000000000002", name: "Admin", position: 6, color: 0xed4245, permissions: PERMISSIONS.ADMINISTRATOR },
    ],
    channels: [
      text("400000000000000101", "welcome", 0),
      text("400000000000000001", "payments", 1),
      text("410000000000000001", "mod-log", 2),
      text("400000000000000102", "devlog", 3),
    ],
    botPosition: 5,
  },
  {
    id: "200000000000000002",
    name: "Study Hall",
    ownerId: "100000000000000001",
    roles: [
      // A failed payment's restricted stage: this role sees only #payments.
      { id: "300000000000000019", name: "Lapsed", position: 1, color: 0x99aab5 },
      { id: "300000000000000011", name: "Focus", position: 2, color: 0x3ba55c },
    ],
    channels: [text("400000000000000201", "lobby", 0), text("400000000000000002", "payments", 1), text("410000000000000002", "admin", 2)],
    botPosition: 3,
  },
  {
    // Carol has not added the bot yet: "Add the bot to your server" is one click.
    id: "200000000000000003",
    name: "Trading Desk",
    ownerId: "100000000000000003",
    roles: [
      { id: "300000000000000021", name: "Analyst", position: 1, color: 0x1abc9c },
      { id: "300000000000000022", name: "Desk", position: 2, color: 0xe67e22 },
    ],
    channels: [text("400000000000000301", "general", 0), text("400000000000000003", "payments", 1), text("410000000000000003", "admin", 2)],
  },
  {
    id: "200000000000000011",
    name: "Alice's Sandbox",
    ownerId: "100000000000000001",
    managers: ["100000000000000003"],
    roles: [
      { id: "300000000000000111", name: "Regulars", position: 1, color: 0x95a5a6 },
      { id: "300000000000000112", name: "Supporters", position: 2, color: 0xe67e22 },
    ],
    channels: [text("400000000000001101", "general", 0), text("400000000000001102", "announcements", 1)],
  },
  {
    id: "200000000000000012",
    name: "Indie Makers",
    ownerId: "100000000000000099",
    managers: ["100000000000000001"],
    roles: [],
    channels: [text("400000000000001201", "general", 0)],
  },
  {
    id: "200000000000000013",
    name: "Lurkers Lounge",
    ownerId: "100000000000000098",
    members: ["100000000000000001"],
    roles: [],
    channels: [text("400000000000001301", "general", 0)],
  },
  { id: "200000000000000021", name: "Bob's Book Club", ownerId: "100000000000000002", roles: [], channels: [text("400000000000002101", "general", 0)] },
  { id: "200000000000000031", name: "Carol's Workshop", ownerId: "100000000000000003", roles: [], channels: [text("400000000000003101", "general", 0)] },
];
