import type { TenantTx } from "../db/scopes";
import { serverEnv } from "../env";
import { decryptToken, encryptToken, parseKeyRing, type KeyRing } from "../crypto/token-box";

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

/** What the bot needs to act, token decrypted; null when no active bot is configured. */
export async function activeBot(tx: TenantTx, communityId: string) {
  const config = await tx.discordBotConfig.findUnique({
    where: { communityId },
    select: {
      botTokenEncrypted: true,
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
  return { ...rest, token: decryptToken(botTokenEncrypted, communityId, keyRing()) };
}
