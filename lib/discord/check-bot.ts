// "Check bot": verifies what role sync needs and says what is wrong in plain words.
import { Routes, type APIRole, type RESTGetAPIGuildMemberResult, type RESTGetAPIUserResult } from "discord-api-types/v10";
import type { REST } from "@discordjs/rest";
import { botRest, permanentProblem, PROBLEM_HINTS } from "./bot-rest";

const ADMINISTRATOR = 1n << 3n;
const MANAGE_ROLES = 1n << 28n;

export type BotCheck = { ok: boolean; botName: string | null; problems: string[] };

export async function checkBot(
  token: string,
  guildId: string,
  tierRoles: { tier: string; roleId: string }[],
  rest: (token: string) => REST = botRest,
): Promise<BotCheck> {
  const client = rest(token);
  const problems: string[] = [];
  let botName: string | null = null;
  try {
    const me = (await client.get(Routes.user())) as RESTGetAPIUserResult;
    botName = me.username;
    const roles = (await client.get(Routes.guildRoles(guildId))) as APIRole[];
    const member = (await client.get(Routes.guildMember(guildId, me.id))) as RESTGetAPIGuildMemberResult;
    const everyone = roles.find((r) => r.id === guildId);
    const botRoles = roles.filter((r) => member.roles.includes(r.id));
    const permissions = [everyone, ...botRoles].reduce((acc, role) => acc | BigInt(role?.permissions ?? "0"), 0n);
    if ((permissions & (ADMINISTRATOR | MANAGE_ROLES)) === 0n)
      problems.push("The bot does not have the “Manage Roles” permission. Give its role that permission in Server Settings → Roles.");
    const top = Math.max(0, ...botRoles.map((r) => r.position));
    for (const { tier, roleId } of tierRoles) {
      const role = roles.find((r) => r.id === roleId);
      if (!role) problems.push(`The role of the tier “${tier}” (${roleId}) does not exist in your server. Pick an existing role on the tier.`);
      else if (role.position >= top)
        problems.push(`The bot's role sits below “${role.name}” (tier “${tier}”). Drag the bot's role above it in Server Settings → Roles.`);
    }
  } catch (error) {
    const problem = permanentProblem(error);
    if (!problem) throw error;
    problems.push(PROBLEM_HINTS[problem]);
  }
  return { ok: problems.length === 0, botName, problems };
}
