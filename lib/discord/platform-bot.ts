import { PermissionFlagsBits } from "discord-api-types/v10";
import { discordSettings } from "../auth/discord-settings";
import { serverEnv } from "../env";
import { DEMO_BOT } from "./demo";

/** The platform's bot: DISCORD_BOT_TOKEN of the sign-in application, or the demo's on the fake. */
export type PlatformBot = { applicationId: string; token: string };

export function platformBot(): PlatformBot | null {
  const env = serverEnv();
  const settings = discordSettings(env);
  if (settings.mode === "real") return env.DISCORD_BOT_TOKEN ? { applicationId: settings.clientId, token: env.DISCORD_BOT_TOKEN } : null;
  if (settings.mode === "demo") return { applicationId: DEMO_BOT.applicationId, token: DEMO_BOT.token };
  return null;
}

/**
 * What the bot does, as Discord's permission flags: grant and remove tier roles,
 * add paying members to the server (Create Invite is what guilds.join needs),
 * see and post to the channels it announces in, and open a private thread
 * with a member whose DMs are closed (payment reminders).
 */
export const BOT_PERMISSIONS =
  PermissionFlagsBits.ManageRoles |
  PermissionFlagsBits.CreateInstantInvite |
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.CreatePrivateThreads |
  PermissionFlagsBits.SendMessagesInThreads;
