import { Prisma } from "../generated/prisma/client";
import type { TenantTx } from "../db/scopes";

/**
 * Jobs a state change needs once it is committed, enqueued in graphile-worker's
 * queue inside the change's own transaction: a committed change always has its
 * job, a rolled-back one never does.
 */
export const JOB_KINDS = {
  /** Apply a Stripe event the webhook endpoint stored and answered (its ledger row is 'queued'). */
  applyStripeEvent: "stripe:apply",
  /** Make one member's Discord roles match what they pay for. */
  roleSync: "discord:role_sync",
  /** Compare every member's roles with what they pay for, and fix drift. */
  reconcile: "discord:reconcile",
  /** Post to the community's payment-verification channel (and welcome the member). */
  newPaidMember: "notify:new_paid_member",
  /** Post to the admin channel. */
  paymentFailed: "notify:payment_failed",
  disputeOpened: "notify:dispute_opened",
  syncFailed: "notify:sync_failed",
  /** Welcome a paying member who arrived in the server (coalesced per member: payment and join may both ask). */
  welcome: "notify:welcome",
  /** Tell a member who lost paid access goodbye. */
  farewell: "notify:farewell",
  /** Enforce the data retention policies (nightly, or when an admin asks). */
  applyRetention: "gdpr:apply_retention",
  /** Take an erased or removed member's roles away, then scrub their Discord id. */
  finishMemberExit: "gdpr:finish_member_exit",
  /** Mirror every tier not yet on Stripe (charges were just enabled), or every tier (`all`: taxes changed). */
  syncTiers: "billing:sync_tiers",
  /** Take the paid roles from a Discord account a membership moved away from. */
  revokeRoles: "discord:revoke_roles",
  /** Cancel and refund, at Stripe, a second live subscription that raced the member's first. */
  cancelDuplicate: "billing:cancel_duplicate",
  /** Remind a member whose payment failed (e-mail and Discord), again on the community's schedule. */
  dunning: "billing:dunning",
  /** E-mail a member the receipt of a payment. */
  receipt: "mail:receipt",
  /** Tell a member, a few days ahead, that their paused membership resumes (access and billing). */
  pauseEnding: "mail:pause_ending",
  /** Send one event to one owner endpoint (also added by the webhook_deliveries trigger). */
  deliverWebhook: "webhooks:deliver",
  /** E-mail an imported member the link that claims their membership. */
  claimMail: "mail:claim_link",
  /** Read the next page of a Stripe import (resumes from the run's cursor). */
  stripeImport: "imports:stripe",
} as const;
export type JobKind = (typeof JOB_KINDS)[keyof typeof JOB_KINDS];

/** Jobs the worker runs on a schedule, not on a change: their names and when (cron, UTC). */
export const SCHEDULED_JOBS = {
  expireGracePeriods: { name: "billing:expire_grace_periods", cron: "*/15 * * * *" },
  reconcileAll: { name: "discord:reconcile_all", cron: "7 */6 * * *" },
  heartbeat: { name: "discord:heartbeat", cron: "*/5 * * * *" },
  ensurePartitions: { name: "analytics:ensure_partitions", cron: "13 3 * * *" },
  monthlyStats: { name: "analytics:monthly_stats", cron: "23 2 * * *" },
  applyRetention: { name: JOB_KINDS.applyRetention, cron: "37 3 * * *" },
  purgeRateLimits: { name: "security:purge_rate_limits", cron: "41 * * * *" },
  winbacks: { name: "mail:winbacks", cron: "17 * * * *" },
} as const;

/**
 * graphile-worker takes the lowest priority first (0 unless set here). A role
 * is what a member paid for: in a burst of checkouts (a launch, a worker
 * started at a deploy) the payments themselves and the role syncs they ask for
 * run ahead of the notices, mail and owner webhooks the same payments queued.
 */
const JOB_PRIORITY: Partial<Record<JobKind, number>> = { [JOB_KINDS.applyStripeEvent]: -10, [JOB_KINDS.roleSync]: -10 };

/**
 * Attempts before graphile-worker gives a job up (12 unless set here; its
 * backoff is exp(attempt) seconds, capped at exp(10): 12 attempts span about 16
 * hours). A Stripe event we answered at once is retried at least as long as
 * Stripe itself would have (3 days): 25 attempts span about 4 days.
 */
const MAX_ATTEMPTS: Partial<Record<JobKind, number>> = { [JOB_KINDS.applyStripeEvent]: 25 };

export type JobPayload = Record<string, string | number | boolean | null>;

export type JobOptions = { key?: string; runAt?: Date };

/** The statement that enqueues a job, to run alone or after a change in the same statement. */
export function addJobSql(kind: JobKind, payload: JobPayload, options: JobOptions = {}): Prisma.Sql {
  // A job key coalesces requests: ten changes to one member in a burst are one sync.
  return Prisma.sql`SELECT graphile_worker.add_job(${kind}, ${JSON.stringify(payload)}::json,
    max_attempts => ${MAX_ATTEMPTS[kind] ?? 12}::int, job_key => ${options.key ?? null}::text, run_at => ${options.runAt ?? null}::timestamptz,
    priority => ${JOB_PRIORITY[kind] ?? 0}::int)`;
}

export async function enqueueJob(tx: TenantTx, kind: JobKind, payload: JobPayload, options: JobOptions = {}): Promise<void> {
  await tx.$executeRaw(addJobSql(kind, payload, options));
}

/** The one way to ask for a member's Discord roles to be brought up to date. */
export function requestRoleSync(tx: TenantTx, communityId: string, memberId: string, reason: string): Promise<void> {
  return enqueueJob(tx, JOB_KINDS.roleSync, { communityId, memberId, reason }, { key: `role_sync:${memberId}` });
}
