// A tier's roles in the community's linked servers, as stored on the tier
// (`subscription_tiers.server_roles`). Pure, so readers that only show them
// (the REST API, the portal) need not load the Discord side.
import { z } from "zod";

const snowflake = z.string().regex(/^\d{17,20}$/);
export const serverRoleSchema = z.object({ guildId: snowflake, roleId: snowflake });
export type ServerRole = z.output<typeof serverRoleSchema>;

/** A tier's roles in linked servers, as stored (a malformed value grants nothing rather than failing every sync). */
export function tierServerRoles(tier: { serverRoles: unknown }): ServerRole[] {
  const parsed = z.array(serverRoleSchema).safeParse(tier.serverRoles);
  return parsed.success ? parsed.data : [];
}

/** The roles a tier grants in one linked server. */
export const tierRolesIn = (tier: { serverRoles: unknown }, guildId: string) =>
  tierServerRoles(tier)
    .filter((r) => r.guildId === guildId)
    .map((r) => r.roleId);
