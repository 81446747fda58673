import { db } from "../db/client";
import { withCommunity } from "../db/scopes";
import { decryptToken, encryptToken, keyIdOf } from "../crypto/token-box";
import { keyRing } from "./bot-config";

/** Re-seals every bot token not yet under the current key, community by community (each in its own scope). */
export async function rotateBotTokens(): Promise<{ rotated: number; current: string }> {
  const ring = keyRing();
  let rotated = 0;
  for (const { id } of await db.community.findMany({ select: { id: true } })) {
    rotated += await withCommunity(id, async (tx) => {
      const config = await tx.discordBotConfig.findUnique({ where: { communityId: id }, select: { botTokenEncrypted: true } });
      if (!config || keyIdOf(config.botTokenEncrypted) === ring.current) return 0;
      const token = decryptToken(config.botTokenEncrypted, id, ring);
      await tx.discordBotConfig.update({ where: { communityId: id }, data: { botTokenEncrypted: encryptToken(token, id, ring) }, select: { id: true } });
      return 1;
    });
  }
  return { rotated, current: ring.current };
}
