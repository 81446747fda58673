import type { TenantTx } from "../db/scopes";
import { serverEnv } from "../env";
import { decryptToken, encryptToken, parseKeyRing, type KeyRing } from "../crypto/token-box";
import { platformBot } from "./platform-bot";
import { withoutBotProblem } from "./bot-problem";

export class BotNotConfiguredError extends Error {
  override name = "BotNotConfiguredError";
}

let cachedRing: { source: string; ring: KeyRing } | undefined;
export function keyRing(): KeyRing {
  const source = serverEnv().BOT_TOKEN_KEYS;
  if (!source) throw new BotNotConfiguredError("BOT_TOKEN_KEYS is not set: bot tokens cannot be stored or read.");
  if (cachedRing?.source !== source) cachedRing = { source, ring: parseKeyRing(source) };
  return cachedRing.ring;
}

export const sealToken = (token: string, communityId: string, ring = keyRing()) => encryptToken(token, communityId, ring);

type BotConnection = {
  usesPlatformBot: boolean;
  clientId: string;
  permissions: bigint;
  botTokenEncrypted?: ReturnType<typeof sealToken> | null;
  isActive?: boolean;
};

/**
 * Points the community at a bot, the platform's or the owner's own (created,
 * or updated keeping the messages and channels). A new connection deserves a
 * fresh try: any pause a bad token or a missing bot put on syncing is lifted.
 */
export async function connectBot(tx: TenantTx, communityId: string, connection: BotConnection): Promise<void> {
  const existing = await tx.discordBotConfig.findUnique({ where: { communityId }, select: { settings: true } });
  const data = { ...connection, settings: withoutBotProblem(existing?.settings) as object };
  if (existing) await tx.discordBotConfig.update({ where: { communityId }, data, select: { id: true } });
  else
    await tx.discordBotConfig.create({
      data: { ...data, communityId, welcomeMessage: "Welcome to {community}, {user}! Your {tier} perks are unlocked." },
      select: { id: true },
    });
}

export class PlatformBotUnavailableError extends Error {
  override name = "PlatformBotUnavailableError";
}

/**
 * What the bot needs to act, with its token (the platform's, or the owner's own
 * decrypted); null when no active bot is configured.
 */
export async function activeBot(tx: TenantTx, communityId: string) {
  const config = await tx.discordBotConfig.findUnique({
    where: { communityId },
    select: {
      botTokenEncrypted: true,
      usesPlatformBot: true,
      clientId: true,
      isActive: true,
      autoRoleAssignment: true,
      welcomeMessage: true,
      farewellMessage: true,
      paymentVerificationChannel: true,
      adminChannel: true,
      lapsedRoleId: true,
      payChannelId: true,
      settings: true,
    },
  });
  if (!config || !config.isActive) return null;
  const { botTokenEncrypted, ...rest } = config;
  if (config.usesPlatformBot) {
    const platform = platformBot();
    if (!platform) throw new PlatformBotUnavailableError("This community uses the platform's bot, but DISCORD_BOT_TOKEN is not set.");
    return { ...rest, token: platform.token };
  }
  return { ...rest, token: decryptToken(botTokenEncrypted!, communityId, keyRing()) };
}

/** The Discord server the community is connected to. */
export async function guildOf(tx: TenantTx, communityId: string): Promise<string> {
  return (await tx.community.findUniqueOrThrow({ where: { id: communityId }, select: { discordGuildId: true } })).discordGuildId;
}
