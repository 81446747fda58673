import type { Prisma } from "../generated/prisma/client";
import type { TenantTx } from "../db/scopes";

/**
 * Jobs a state change needs once it is committed. They are written in the
 * change's own transaction (a transactional outbox): a committed change always
 * has its job, a rolled-back one never does. The worker drains this table.
 */
export const JOB_KINDS = {
  /** Make the member's Discord roles match what they pay for. */
  roleSync: "discord.role_sync",
  /** Post to the community's payment-verification channel. */
  newPaidMember: "notify.new_paid_member",
  /** Post to the admin channel. */
  paymentFailed: "notify.payment_failed",
  disputeOpened: "notify.dispute_opened",
} as const;
export type JobKind = (typeof JOB_KINDS)[keyof typeof JOB_KINDS];

export async function enqueueJob(tx: TenantTx, communityId: string, kind: JobKind, payload: Prisma.InputJsonObject): Promise<void> {
  await tx.jobOutbox.create({ data: { communityId, kind, payload }, select: { id: true } });
}

/** The one way to ask for a member's Discord roles to be brought up to date. */
export function requestRoleSync(tx: TenantTx, communityId: string, memberId: string, reason: string): Promise<void> {
  return enqueueJob(tx, communityId, JOB_KINDS.roleSync, { memberId, reason });
}
