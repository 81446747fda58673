import type { TenantTx } from "../db/scopes";
import { serverEnv } from "../env";
import { decryptToken, encryptToken, parseKeyRing, type KeyRing } from "../crypto/token-box";
import { platformBot } from "./platform-bot";

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
