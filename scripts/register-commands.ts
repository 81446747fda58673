// npm run discord:register-commands -- <community-slug>
// Registers /subscribe, /status and /manage in the community's guild, as its bot.
import { db } from "../lib/db/client";
import { withCommunity } from "../lib/db/scopes";
import { activeBot } from "../lib/discord/bot-config";
import { botRest } from "../lib/discord/bot-rest";
import { registerCommands } from "../lib/discord/interactions";

const slug = process.argv[2];
if (!slug) {
  console.error("usage: npm run discord:register-commands -- <community-slug>");
  process.exit(2);
}
const community = await db.community.findUnique({ where: { slug }, select: { id: true, discordGuildId: true } });
if (!community) {
  console.error(`no community with the address ${slug}`);
  process.exit(1);
}
const bot = await withCommunity(community.id, (tx) => activeBot(tx, community.id));
if (!bot) {
  console.error("this community has no active bot configured");
  process.exit(1);
}
const registered = await registerCommands(botRest(bot.token), bot.clientId, community.discordGuildId);
console.log(`registered ${registered.map((c) => `/${c.name}`).join(", ")} in guild ${community.discordGuildId}`);
await db.$disconnect();
