import { z } from "zod";
import type { CommunityRef } from "../actions/action-chain";
import { ActionError } from "../actions/action-chain";
import type { TenantTx } from "../db/scopes";
import { checkbox } from "../utils/checkbox";
import { sealToken } from "./bot-config";

const snowflake = z.string().trim().regex(/^\d{17,20}$/, "must be a Discord id (17–20 digits)");
const optionalChannel = z
  .string()
  .trim()
  .refine((v) => v === "" || /^\d{17,20}$/.test(v), "must be a channel id (17–20 digits), or empty")
  .transform((v) => (v === "" ? null : v));
const message = z
  .string()
  .max(2000, "must be at most 2,000 characters (Discord's limit)")
  .transform((v) => (v.trim() === "" ? null : v));

/** Manage Roles + Send Messages + View Channels: what the bot needs. */
export const DEFAULT_BOT_PERMISSIONS = ((1n << 28n) | (1n << 11n) | (1n << 10n)).toString();

export const botConfigSchema = z.object({
  // Write-only: left empty, the stored token is kept.
  token: z
    .string()
    .trim()
    .refine((v) => v === "" || /^[\w.-]{20,200}$/.test(v), "doesn't look like a Discord bot token")
    .transform((v) => (v === "" ? null : v)),
  clientId: snowflake,
  permissions: z.string().trim().regex(/^\d{1,20}$/, "must be a whole number (the permissions integer)"),
  prefix: z.string().trim().min(1, "must not be empty").max(10, "must be at most 10 characters"),
  welcomeMessage: message,
  farewellMessage: message,
  autoRoleAssignment: checkbox,
  paymentVerificationChannel: optionalChannel,
  adminChannel: optionalChannel,
  isActive: checkbox,
});
export type BotConfigInput = z.output<typeof botConfigSchema>;

/** Saves the bot's configuration; the token is sealed before it reaches the database. */
export async function saveBotConfig(input: BotConfigInput, community: CommunityRef, tx: TenantTx) {
  const existing = await tx.discordBotConfig.findUnique({ where: { communityId: community.id }, select: { id: true, settings: true } });
  if (!existing && !input.token) throw new ActionError("Please correct the highlighted fields.", { token: ["is required the first time you set up the bot"] });
  const { token, permissions, ...fields } = input;
  // A new configuration deserves a new try: lift any pause a bad token or missing guild put on syncing.
  const { botProblem: _lifted, ...settings } = (existing?.settings ?? {}) as Record<string, unknown>;
  const data = { ...fields, permissions: BigInt(permissions), settings: settings as object, ...(token ? { botTokenEncrypted: sealToken(token, community.id) } : {}) };
  if (existing) await tx.discordBotConfig.update({ where: { communityId: community.id }, data, select: { id: true } });
  else await tx.discordBotConfig.create({ data: { ...data, communityId: community.id, botTokenEncrypted: data.botTokenEncrypted! }, select: { id: true } });
  return { slug: community.slug };
}
