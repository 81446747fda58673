import type { TenantTx } from "../db/scopes";

/** A page of the audit log, newest first, before a (time, id) cursor; one row more than `take` tells there is a next page. */
export function auditPage(tx: TenantTx, before: { at: Date; id: string } | null, take: number) {
  return tx.auditLog.findMany({
    where: before ? { createdAt: { lte: before.at }, OR: [{ createdAt: { lt: before.at } }, { id: { lt: before.id } }] } : {},
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take,
    select: {
      id: true,
      action: true,
      objectType: true,
      objectId: true,
      details: true,
      createdAt: true,
      actor: { select: { username: true, globalName: true } },
    },
  });
}
