import { db } from "../db/client";
import { withCommunity } from "../db/scopes";
import { decryptToken, encryptToken, keyIdOf, TokenDecryptionError } from "../crypto/token-box";
import { keyRing } from "./bot-config";

/**
 * Re-seals every bot token not yet under the current key, community by
 * community (each in its own scope). A token that cannot be opened (its key is
 * gone, or the row is damaged) is reported and left as it is: it must not stop
 * the others from moving to the new key.
 */
export async function rotateBotTokens(
  options: { communityIds?: string[] } = {},
): Promise<{ rotated: number; current: string; failed: { communityId: string; reason: string }[] }> {
  const ring = keyRing();
  let rotated = 0;
  const failed: { communityId: string; reason: string }[] = [];
  const communities = await db.community.findMany({ where: options.communityIds ? { id: { in: options.communityIds } } : {}, select: { id: true } });
  for (const { id } of communities) {
    try {
      rotated += await withCommunity(id, async (tx) => {
        const config = await tx.discordBotConfig.findUnique({ where: { communityId: id }, select: { botTokenEncrypted: true } });
        // The platform's bot stores no token here.
        if (!config?.botTokenEncrypted || keyIdOf(config.botTokenEncrypted) === ring.current) return 0;
        const token = decryptToken(config.botTokenEncrypted, id, ring);
        await tx.discordBotConfig.update({ where: { communityId: id }, data: { botTokenEncrypted: encryptToken(token, id, ring) }, select: { id: true } });
        return 1;
      });
    } catch (error) {
      if (!(error instanceof TokenDecryptionError)) throw error;
      failed.push({ communityId: id, reason: error.message });
    }
  }
  return { rotated, current: ring.current, failed };
}
