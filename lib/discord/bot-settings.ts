import { z } from "zod";
import type { CommunityRef } from "../core/actors";
import { ActionError } from "../core/errors";
import type { TenantTx } from "../db/scopes";
import { checkbox } from "../utils/checkbox";
import { connectBot, sealToken } from "./bot-config";
import { roleProblem, type GuildCatalog } from "./guild-catalog";
import { BOT_PERMISSIONS } from "./platform-bot";

const snowflake = z
  .string()
  .trim()
  .regex(/^\d{17,20}$/, "must be a Discord id (17–20 digits)");
const optionalChannel = z
  .string()
  .trim()
  .refine((v) => v === "" || /^\d{17,20}$/.test(v), "must be one of your server's channels, or none")
  .transform((v) => (v === "" ? null : v));
const message = z
  .string()
  .max(2000, "must be at most 2,000 characters (Discord's limit)")
  .transform((v) => (v.trim() === "" ? null : v));

/** What the bot says and where: channels are picked from the server's own list. */
export const botSettingsSchema = z.object({
  welcomeMessage: message,
  farewellMessage: message,
  autoRoleAssignment: checkbox,
  paymentVerificationChannel: optionalChannel,
  adminChannel: optionalChannel,
  /** A failed payment's restricted stage: this role replaces the paid ones; the pay channel is where reminders go when DMs are closed. */
  lapsedRoleId: z
    .string()
    .trim()
    .refine((v) => v === "" || /^\d{17,20}$/.test(v), "must be one of your server's roles, or none")
    .transform((v) => (v === "" ? null : v)),
  payChannelId: optionalChannel,
  isActive: checkbox,
});
export type BotSettingsInput = z.output<typeof botSettingsSchema>;

/** An owner's own bot instead of the platform's: its token (write-only, sealed) and its application id. */
export const ownBotSchema = z.object({
  token: z
    .string()
    .trim()
    .refine((v) => v === "" || /^[\w.-]{20,200}$/.test(v), "doesn't look like a Discord bot token")
    .transform((v) => (v === "" ? null : v)),
  clientId: snowflake,
});
export type OwnBotInput = z.output<typeof ownBotSchema>;

export const NO_BOT = "Add the bot to your server first.";

const CHANNEL_FIELDS = ["paymentVerificationChannel", "adminChannel", "payChannelId"] as const;

/** Whether any channel or role picked needs checking against the server. */
export const picksFromServer = (input: BotSettingsInput) => CHANNEL_FIELDS.some((k) => input[k] !== null) || input.lapsedRoleId !== null;

/** Refuses channels that are not text channels of the server, and a lapsed role the bot cannot hand out (by the bot's live lists). */
export function checkChannels(input: Pick<BotSettingsInput, (typeof CHANNEL_FIELDS)[number] | "lapsedRoleId">, catalog: GuildCatalog) {
  const picked = CHANNEL_FIELDS.filter((k) => input[k] !== null);
  if (picked.length === 0 && input.lapsedRoleId === null) return;
  if (!catalog.ok) throw new ActionError(`The bot can't read your server's channels and roles: ${catalog.message}`);
  const errors: Record<string, string[]> = Object.fromEntries(
    picked.filter((k) => !catalog.channels.some((c) => c.id === input[k])).map((k) => [k, ["is not a text channel of your server; pick one from the list"]]),
  );
  const roleTrouble = input.lapsedRoleId ? roleProblem(catalog, input.lapsedRoleId) : null;
  if (roleTrouble) errors.lapsedRoleId = [roleTrouble];
  if (Object.keys(errors).length) throw new ActionError("Please correct the highlighted fields.", errors);
}

/** Saves what the bot says and where; the connection itself (platform or own bot) is set elsewhere. */
export async function saveBotSettings(input: BotSettingsInput, community: CommunityRef, tx: TenantTx) {
  const { count } = await tx.discordBotConfig.updateMany({ where: { communityId: community.id }, data: input });
  if (count === 0) throw new ActionError(NO_BOT);
  return { slug: community.slug };
}

/** Switches the community to the owner's own bot (the token is sealed before it reaches the database). */
export async function saveOwnBot(input: OwnBotInput, community: CommunityRef, tx: TenantTx) {
  const existing = await tx.discordBotConfig.findUnique({ where: { communityId: community.id }, select: { botTokenEncrypted: true } });
  if (!input.token && !existing?.botTokenEncrypted)
    throw new ActionError("Please correct the highlighted fields.", { token: ["is required to use your own bot"] });
  await connectBot(tx, community.id, {
    usesPlatformBot: false,
    clientId: input.clientId,
    permissions: BOT_PERMISSIONS,
    // Left empty, the sealed token already saved is kept.
    ...(input.token ? { botTokenEncrypted: sealToken(input.token, community.id) } : {}),
  });
  return { slug: community.slug };
}
