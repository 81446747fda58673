// npm run bot-tokens:rotate — re-encrypts every bot token under the current key
// (the first in BOT_TOKEN_KEYS). Put the new key first, keep the old one listed,
// run this, then remove the old key.
import { rotateBotTokens } from "../lib/discord/rotate-tokens";
import { db } from "../lib/db/client";

const { rotated, current } = await rotateBotTokens();
console.log(`re-encrypted ${rotated} bot token(s) under key ${current}`);
await db.$disconnect();
