import { ActionError } from "../core/errors";
import { communityGuildCatalog, linkedServerCatalogs, roleProblem, type GuildRole } from "../discord/guild-catalog";
import { tierRoles } from "../discord/desired-roles";
import type { TierInput } from "./validation";

/**
 * A tier may only name roles the bot can hand out in the community's server:
 * asked of Discord when the tier is saved, so a deleted role, a role of another
 * server or one above the bot is refused with the fix, never saved silently.
 */
export async function checkTierRoles(
  communityId: string,
  input: Pick<TierInput, "discordRoleId" | "extraRoleIds"> & Partial<Pick<TierInput, "serverRoles">>,
): Promise<void> {
  await checkServerRoles(communityId, input.serverRoles ?? []);
  if (tierRoles(input).length === 0) return;
  const catalog = await communityGuildCatalog(communityId);
  if (!catalog.ok) throw new ActionError("Please correct the highlighted fields.", { discordRoleId: [`can't be checked: ${catalog.message}`] });
  const errors: Record<string, string[]> = {};
  const main = input.discordRoleId ? roleProblem(catalog, input.discordRoleId) : null;
  if (main) errors.discordRoleId = [main];
  const extra = input.extraRoleIds.map((id) => roleProblem(catalog, id)).filter((p): p is string => !!p);
  if (extra.length) errors.extraRoleIds = extra;
  if (Object.keys(errors).length) throw new ActionError("Please correct the highlighted fields.", errors);
}

/** Roles in linked servers: each server linked and reachable, each role one the bot can hand out there. */
async function checkServerRoles(communityId: string, serverRoles: TierInput["serverRoles"]): Promise<void> {
  if (serverRoles.length === 0) return;
  const servers = await linkedServerCatalogs(communityId);
  const problems = serverRoles.map(({ guildId, roleId }) => {
    const server = servers.find((s) => s.guildId === guildId);
    if (!server) return "names a server that is not linked to this community";
    if (!server.catalog.ok) return `in ${server.name} can't be checked: ${server.catalog.message}`;
    const problem = roleProblem(server.catalog, roleId);
    return problem ? `in ${server.name} ${problem}` : null;
  });
  const errors = problems.filter((p): p is string => !!p);
  if (errors.length) throw new ActionError("Please correct the highlighted fields.", { serverRoles: errors });
}

/** Each linked server's roles a tier form offers, or why they can't be listed. */
export async function serverRoleChoices(communityId: string): Promise<ServerRoleChoices> {
  return (await linkedServerCatalogs(communityId)).map((s) => ({
    guildId: s.guildId,
    name: s.name,
    ...(s.catalog.ok ? { roles: s.catalog.roles } : { unavailable: s.catalog.message }),
  }));
}
export type ServerRoleChoices = ({ guildId: string; name: string } & ({ roles: GuildRole[] } | { unavailable: string }))[];

/** The roles a tier form offers: the server's, live; or why they can't be listed. */
export async function tierRoleChoices(communityId: string): Promise<{ roles: GuildRole[] } | { unavailable: string }> {
  const catalog = await communityGuildCatalog(communityId);
  return catalog.ok ? { roles: catalog.roles } : { unavailable: catalog.message };
}
