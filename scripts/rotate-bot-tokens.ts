// npm run bot-tokens:rotate — re-encrypts every bot token under the current key
// (the first in BOT_TOKEN_KEYS). Put the new key first, keep the old one listed,
// run this, then remove the old key — once it reports no failures.
import { rotateBotTokens } from "../lib/discord/rotate-tokens";
import { db } from "../lib/db/client";

const { rotated, current, failed } = await rotateBotTokens();
console.log(`re-encrypted ${rotated} bot token(s) under key ${current}`);
for (const f of failed) console.error(`could not re-encrypt the token of community ${f.communityId}: ${f.reason} (its owner must enter the token again)`);
await db.$disconnect();
if (failed.length) process.exit(1);
