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

/** A member's standing in one of the community's linked servers, as they read it in the portal. */
export const LINKED_SERVER_TEXT = {
  unknown: "being added",
  joined: "you're in it",
  left: "you left it (“Regain access” adds you back)",
  banned: "this account is banned there",
  guild_limit: "your account is in too many servers",
  needs_sign_in: "sign in with Discord again to be added",
  bot_missing: "the bot can't add you right now",
  invite_needed: "ask the owner for an invite",
} as const satisfies Record<GuildStatus, string>;

/** The same, as the owner reads it in a member's detail. */
export const LINKED_SERVER_STANDING = {
  unknown: "not checked yet",
  joined: "in it",
  left: "left",
  banned: "banned",
  guild_limit: "in too many servers",
  needs_sign_in: "must sign in again",
  bot_missing: "bot can't add them",
  invite_needed: "needs an invite",
} as const satisfies Record<GuildStatus, string>;
