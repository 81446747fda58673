import type { FollowUpJob } from "../analytics/record";
import { JOB_KINDS, type JobOptions } from "../jobs/enqueue";
import type { SyncContext } from "./subscription-sync";

/** The job that e-mails a payment's receipt, queued with the payment only where CommunityOS sends receipts (not Stripe). */
export function receiptJob(ctx: SyncContext, paymentId: string, options?: JobOptions): FollowUpJob | undefined {
  if (ctx.sendsReceipts === false) return undefined;
  return { kind: JOB_KINDS.receipt, payload: { communityId: ctx.communityId, paymentId }, ...(options ? { options } : {}) };
}
