import type { TenantTx } from "../db/scopes";

/** The newest alerts not yet resolved, for the overview. */
export function openAlerts(tx: TenantTx, take = 5) {
  return tx.communityAlert.findMany({
    where: { resolvedAt: null },
    orderBy: { createdAt: "desc" },
    take,
    select: { id: true, title: true, detail: true, severity: true },
  });
}
