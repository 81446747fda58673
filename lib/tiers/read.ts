// Reads of a community's tiers for pages and actions, in the caller's scope,
// each with only the columns its callers use.
import type { TenantTx } from "../db/scopes";
import { tierRoles } from "../discord/desired-roles";

import { rowKey } from "../db/scopes";
/** Every tier (active or not), in the owner's order: for pickers, CSV tier names and currencies. */
export function tierSummaries(tx: TenantTx, options: { activeOnly?: boolean } = {}) {
  return tx.subscriptionTier.findMany({
    where: options.activeOnly ? { isActive: true } : {},
    orderBy: [{ sortOrder: "asc" }, { createdAt: "asc" }],
    select: { id: true, name: true, currency: true, interval: true, stripePriceId: true },
  });
}

/** One tier, whole, for its edit page (null: not in this community). */
export function tierForEdit(tx: TenantTx, tierId: string) {
  return tx.subscriptionTier.findUnique({ where: rowKey(tierId) });
}

/** The Discord roles each active tier grants, named by tier: what "Check bot" checks. */
export async function activeTierRoles(tx: TenantTx): Promise<{ tier: string; roleId: string }[]> {
  const tiers = await tx.subscriptionTier.findMany({ where: { isActive: true }, select: { name: true, discordRoleId: true, extraRoleIds: true } });
  return tiers.flatMap((t) => tierRoles(t).map((roleId) => ({ tier: t.name, roleId })));
}
