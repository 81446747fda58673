// What a member's place in the server means for them, in the portal and on the
// welcome page. (No server imports: client components use it; the type is erased.)
import type { GuildStatus } from "./guild-join";

export const GUILD_STATUS_TEXT = {
  unknown: "We're adding you to the server…",
  joined: "You're in the server.",
  left: "You left the server. Join it again to get your roles back.",
  banned: "The server has banned this Discord account, so the bot cannot add you. Contact the community's owner.",
  guild_limit: "Your Discord account is in the maximum number of servers (100, or 200 with Nitro). Leave one, then use “Regain access”.",
  needs_sign_in: "We need your permission to add you to the server. Sign in with Discord again, then use “Regain access”.",
  bot_missing: "The community's bot can't add people right now. The owner has been told; try “Regain access” later.",
  invite_needed: "This community adds members by invite. Ask its owner for an invite link.",
} as const satisfies Record<GuildStatus, string>;
