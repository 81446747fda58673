import { DEMO_BOT_CLIENT_ID, DEMO_BOT_TOKEN } from "../../../lib/discord/demo";
// The people and guilds of the fake Discord. Their ids match the demo seed
// (prisma/seed.ts), so signing in as Alice lands on the seeded communities.

export type FakeUser = {
  id: string;
  username: string;
  global_name: string | null;
  discriminator: string;
  avatar: string | null;
  email: string | null;
  locale: string;
  premium_type: number;
  role: string;
};

export type FakeGuild = { id: string; name: string; icon: string | null; owner: boolean; permissions: string };

const MANAGE_GUILD = 1n << 5n;
const ADMINISTRATOR = 1n << 3n;
const SEND_MESSAGES = 1n << 11n;

export const FAKE_USERS: FakeUser[] = [
  { id: "100000000000000001", username: "alice", global_name: "Alice Owner", discriminator: "0", avatar: null, email: "alice@example.com", locale: "en-US", premium_type: 2, role: "Owner of Pixel Guild and Study Hall" },
  // Discord sends email: null when the user has none verified; sign-in must still work.
  { id: "100000000000000002", username: "bob", global_name: "Bob Member", discriminator: "0", avatar: null, email: null, locale: "en-GB", premium_type: 0, role: "A member (no e-mail on Discord)" },
  { id: "100000000000000003", username: "carol", global_name: "Carol Owner", discriminator: "0", avatar: "a_0123456789abcdef0123456789abcdef", email: "carol@example.com", locale: "fr", premium_type: 1, role: "Owner of Trading Desk" },
  // Not in the demo seed: a newcomer (the account-erasure test erases her).
  { id: "100000000000000004", username: "erin", global_name: "Erin Newcomer", discriminator: "0", avatar: null, email: "erin@example.com", locale: "en-US", premium_type: 0, role: "A newcomer" },
];

const guild = (id: string, name: string, permissions: bigint, owner = false): FakeGuild => ({
  id,
  name,
  icon: null,
  owner,
  permissions: permissions.toString(),
});

/** What /users/@me/guilds returns for each user. */
export const FAKE_GUILDS: Record<string, FakeGuild[]> = {
  "100000000000000001": [
    guild("200000000000000001", "Pixel Guild", ADMINISTRATOR | MANAGE_GUILD, true),
    guild("200000000000000002", "Study Hall", ADMINISTRATOR, true),
    guild("200000000000000011", "Alice's Sandbox", MANAGE_GUILD, true),
    guild("200000000000000012", "Indie Makers", MANAGE_GUILD),
    guild("200000000000000013", "Lurkers Lounge", SEND_MESSAGES),
  ],
  "100000000000000002": [
    guild("200000000000000001", "Pixel Guild", SEND_MESSAGES),
    guild("200000000000000021", "Bob's Book Club", MANAGE_GUILD, true),
  ],
  "100000000000000003": [
    guild("200000000000000003", "Trading Desk", ADMINISTRATOR, true),
    // Carol manages a guild Alice already connected: connecting it again must fail clearly.
    guild("200000000000000011", "Alice's Sandbox", MANAGE_GUILD),
    guild("200000000000000031", "Carol's Workshop", MANAGE_GUILD, true),
  ],
};

/** The demo bot: the only token the fake's bot API accepts. */
export const FAKE_BOT = {
  token: DEMO_BOT_TOKEN,
  userId: "100000000000000099",
  applicationId: DEMO_BOT_CLIENT_ID,
  username: "CommunityOS Demo Bot",
};

export const PERMISSIONS = { ADMINISTRATOR, MANAGE_GUILD, SEND_MESSAGES, MANAGE_ROLES: 1n << 28n };

export type FakeRole = { id: string; name: string; position: number; permissions: string };

/** Roles of the demo guilds: the seeded tiers' roles, below the bot's own role. */
export const FAKE_GUILD_ROLES: Record<string, FakeRole[]> = {
  "200000000000000001": [
    { id: "300000000000000001", name: "Supporter", position: 1, permissions: "0" },
    { id: "300000000000000002", name: "Pro", position: 2, permissions: "0" },
    { id: "300000000000000003", name: "Patron", position: 3, permissions: "0" },
    { id: "390000000000000001", name: "Moderator", position: 4, permissions: "0" },
  ],
  "200000000000000002": [{ id: "300000000000000011", name: "Focus", position: 1, permissions: "0" }],
  "200000000000000003": [
    { id: "300000000000000021", name: "Analyst", position: 1, permissions: "0" },
    { id: "300000000000000022", name: "Desk", position: 2, permissions: "0" },
  ],
};
