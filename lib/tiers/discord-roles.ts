import { ActionError } from "../core/errors";
import { communityGuildCatalog, roleProblem, type GuildRole } from "../discord/guild-catalog";
import { tierRoles } from "../discord/desired-roles";
import type { TierInput } from "./validation";

/**
 * A tier may only name roles the bot can hand out in the community's server:
 * asked of Discord when the tier is saved, so a deleted role, a role of another
 * server or one above the bot is refused with the fix, never saved silently.
 */
export async function checkTierRoles(communityId: string, input: Pick<TierInput, "discordRoleId" | "extraRoleIds">): Promise<void> {
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

/** The roles a tier form offers: the server's, live; or why they can't be listed. */
export async function tierRoleChoices(communityId: string): Promise<{ roles: GuildRole[] } | { unavailable: string }> {
  const catalog = await communityGuildCatalog(communityId);
  return catalog.ok ? { roles: catalog.roles } : { unavailable: catalog.message };
}
