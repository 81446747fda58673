import type { Prisma } from "../generated/prisma/client";
import type { TenantTx } from "../db/scopes";

export type AuditEntry = {
  action: string;
  objectType: string;
  objectId?: string | null;
  /** What changed; never secrets (tokens, card data). */
  details?: Prisma.InputJsonObject;
};

export async function recordAudit(tx: TenantTx, communityId: string, actorUserId: string | null, entry: AuditEntry): Promise<void> {
  await tx.auditLog.create({
    data: { communityId, actorUserId, action: entry.action, objectType: entry.objectType, objectId: entry.objectId ?? null, details: entry.details ?? {} },
    select: { id: true },
  });
}
