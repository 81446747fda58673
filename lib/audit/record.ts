import type { Prisma } from "../generated/prisma/client";
import type { SqlTx } from "../db/scopes";

export type AuditEntry = {
  action: string;
  objectType: string;
  objectId?: string | null;
  /** What changed; never secrets (tokens, card data). */
  details?: Prisma.InputJsonObject;
};

export async function recordAudit(tx: SqlTx, communityId: string, actorUserId: string | null, entry: AuditEntry): Promise<void> {
  await tx.$executeRaw`INSERT INTO audit_log (community_id, actor_user_id, action, object_type, object_id, details)
    VALUES (${communityId}::uuid, ${actorUserId}::uuid, ${entry.action}, ${entry.objectType}, ${entry.objectId ?? null}, ${JSON.stringify(entry.details ?? {})}::jsonb)`;
}
