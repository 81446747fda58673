// What the worker runs. Payloads are validated; permanent Discord problems are
// recorded by the code they reach and complete the job; anything else throws
// and graphile-worker retries it with exponential backoff.
import type { JobHelpers, TaskList } from "graphile-worker";
import { z } from "zod";
import { db } from "../db/client";
import { withCommunity, type TenantTx } from "../db/scopes";
import { advanceLapses } from "../billing/lapse-sweep";
import { sendPaymentReminder } from "../billing/dunning";
import { sendPauseEndingNotice, sendReceipt, sendWelcomeMail, sendWinbacks } from "../members/member-mail";
import { cancelDuplicateSubscription } from "../billing/duplicates";
import { syncAllTiers } from "../tiers/service";
import { computeMonthlyStats, monthsBetween, saveMonthlyStats } from "../analytics/monthly-stats";
import { activeBot } from "../discord/bot-config";
import { botRest, PERMANENT_PROBLEMS, permanentProblem } from "../discord/bot-rest";
import { notify } from "../discord/notifications";
import { reconcileCommunity } from "../discord/reconcile";
import { revokeManagedRoles, syncMemberRoles } from "../discord/role-sync";
import { applyRetentionPolicies } from "../gdpr/retention";
import { purgeExpiredLimits } from "../security/rate-limit";
import { JOB_KINDS, SCHEDULED_JOBS, enqueueJob } from "../jobs/enqueue";
import { deliverWebhook } from "../webhooks/deliver";
import { refreshClosedMonths } from "../analytics/insights";
import { mainCurrency } from "../billing/money";
import { sendClaimMail } from "../imports/claim-mail";
import { failStripeImport, importStripePage } from "../imports/stripe-import";
import { stripe } from "../billing/stripe";
import { runStripeEventJob } from "../billing/webhooks/apply";
import { Routes } from "discord-api-types/v10";

const uuid = z.uuid();
const memberJob = z.object({ communityId: uuid, memberId: uuid, reason: z.string().max(100).optional() });
const communityJob = z.object({ communityId: uuid });
const discordUserId = z.string().regex(/^\d{17,20}$/);
// Built once: zod compiles a schema on its first parse (the receipt job runs on every renewal).
const payloads = {
  newPaidMember: memberJob.extend({ tier: z.string().max(100) }),
  delivery: z.object({ communityId: uuid, deliveryId: uuid }),
  claimMail: z.object({ communityId: uuid, importId: uuid }),
  stripeImport: z.object({ communityId: uuid, runId: uuid }),
  receipt: z.object({ communityId: uuid, paymentId: uuid }),
  dunning: z.object({ communityId: uuid, subscriptionId: uuid, attempt: z.number().int().min(1).max(1000) }),
  paymentFailed: memberJob.extend({ accessUntil: z.string().nullable().optional() }),
  syncFailed: memberJob.extend({ problem: z.enum(PERMANENT_PROBLEMS) }),
  syncTiers: communityJob.extend({ all: z.boolean().optional() }),
  revokeRoles: z.object({ communityId: uuid, discordUserId }),
  subscription: z.object({ communityId: uuid, subscriptionId: uuid }),
};

/** Runs the job for each community (the platform's scheduled sweeps fan out this way). */
async function forEachCommunity(fn: (communityId: string) => Promise<void>) {
  const communities = await db.community.findMany({ where: { status: { not: "archived" } }, select: { id: true } });
  for (const { id } of communities) await fn(id);
}

/** A notification that meets a permanent Discord problem is dropped, not retried for days. */
async function bestEffort(helpers: JobHelpers, send: () => Promise<unknown>) {
  try {
    await send();
  } catch (error) {
    if (!permanentProblem(error)) throw error;
    helpers.logger.warn(`notification dropped: ${(error as Error).message}`);
  }
}

export const taskList: TaskList = {
  [JOB_KINDS.applyStripeEvent]: async (payload, helpers) => {
    await runStripeEventJob(payload, helpers.job.attempts, { stripe });
  },
  [JOB_KINDS.roleSync]: async (payload) => {
    const job = memberJob.parse(payload);
    await syncMemberRoles(job.communityId, job.memberId, { reason: job.reason ?? "requested" });
  },
  [JOB_KINDS.reconcile]: async (payload, helpers) => {
    const { communityId } = communityJob.parse(payload);
    const report = await reconcileCommunity(communityId);
    helpers.logger.info(`reconciled ${communityId}: ${JSON.stringify(report)}`);
  },
  [SCHEDULED_JOBS.reconcileAll.name]: async () => {
    await forEachCommunity((communityId) =>
      withCommunity(communityId, (tx) => enqueueJob(tx, JOB_KINDS.reconcile, { communityId }, { key: `reconcile:${communityId}` })),
    );
  },
  [JOB_KINDS.newPaidMember]: async (payload, helpers) => {
    const job = payloads.newPaidMember.parse(payload);
    await bestEffort(helpers, () => notify(job.communityId, { kind: "new_paid_member", memberId: job.memberId, tier: job.tier }));
    // The welcome waits a moment: the member's arrival in the server asks for it too, and the two are one.
    await withCommunity(job.communityId, (tx) =>
      enqueueJob(
        tx,
        JOB_KINDS.welcome,
        { communityId: job.communityId, memberId: job.memberId },
        { key: `welcome:${job.memberId}`, runAt: new Date(Date.now() + 3000) },
      ),
    );
  },
  [JOB_KINDS.welcome]: async (payload, helpers) => {
    const job = memberJob.parse(payload);
    await bestEffort(helpers, () => notify(job.communityId, { kind: "welcome", memberId: job.memberId }));
    await sendWelcomeMail(job.communityId, job.memberId);
  },
  [JOB_KINDS.deliverWebhook]: async (payload, helpers) => {
    const job = payloads.delivery.parse(payload);
    await deliverWebhook(job.communityId, job.deliveryId, { final: helpers.job.attempts >= helpers.job.max_attempts });
  },
  [JOB_KINDS.claimMail]: async (payload) => {
    const job = payloads.claimMail.parse(payload);
    await sendClaimMail(job.communityId, job.importId);
  },
  [JOB_KINDS.stripeImport]: async (payload, helpers) => {
    const job = payloads.stripeImport.parse(payload);
    try {
      const outcome = await importStripePage({ client: stripe(), communityId: job.communityId, runId: job.runId });
      helpers.logger.info(`stripe import ${job.runId}: ${outcome}`);
    } catch (error) {
      // Retried with backoff; the last attempt leaves the run stopped, resumable from its cursor.
      if (helpers.job.attempts >= helpers.job.max_attempts) await failStripeImport(job.communityId, job.runId, (error as Error).message);
      throw error;
    }
  },
  [JOB_KINDS.receipt]: async (payload) => {
    const job = payloads.receipt.parse(payload);
    await sendReceipt(job.communityId, job.paymentId);
  },
  [JOB_KINDS.pauseEnding]: async (payload) => {
    const job = payloads.subscription.parse(payload);
    await sendPauseEndingNotice(job.communityId, job.subscriptionId);
  },
  [JOB_KINDS.dunning]: async (payload, helpers) => {
    const job = payloads.dunning.parse(payload);
    const outcome = await sendPaymentReminder(job.communityId, job.subscriptionId, job.attempt);
    helpers.logger.info(`payment reminder ${job.attempt} for ${job.subscriptionId}: ${outcome.sent.join(", ") || outcome.stopped || "nothing sent"}`);
    if (!outcome.next) return;
    await withCommunity(job.communityId, (tx) =>
      enqueueJob(
        tx,
        JOB_KINDS.dunning,
        { communityId: job.communityId, subscriptionId: job.subscriptionId, attempt: job.attempt + 1 },
        { key: `dunning:${job.subscriptionId}`, runAt: outcome.next! },
      ),
    );
  },
  [SCHEDULED_JOBS.winbacks.name]: async (_payload, helpers) => {
    await forEachCommunity(async (communityId) => {
      const sent = await sendWinbacks(communityId);
      if (sent) helpers.logger.info(`win-back e-mails sent for ${communityId}: ${sent}`);
    });
  },
  [JOB_KINDS.paymentFailed]: async (payload, helpers) => {
    const job = payloads.paymentFailed.parse(payload);
    await bestEffort(helpers, () => notify(job.communityId, { kind: "payment_failed", memberId: job.memberId, accessUntil: job.accessUntil ?? null }));
  },
  [JOB_KINDS.disputeOpened]: async (payload, helpers) => {
    const job = memberJob.parse(payload);
    await bestEffort(helpers, () => notify(job.communityId, { kind: "dispute_opened", memberId: job.memberId }));
  },
  [JOB_KINDS.syncFailed]: async (payload, helpers) => {
    const job = payloads.syncFailed.parse(payload);
    await bestEffort(helpers, () => notify(job.communityId, { kind: "sync_failed", memberId: job.memberId, problem: job.problem }));
  },
  [JOB_KINDS.farewell]: async (payload, helpers) => {
    const job = memberJob.parse(payload);
    await bestEffort(helpers, () => notify(job.communityId, { kind: "farewell", memberId: job.memberId }));
  },
  /** Members whose grace period (then restricted stage) ran out move on: their roles follow. */
  [SCHEDULED_JOBS.expireGracePeriods.name]: async () => {
    const now = new Date();
    await forEachCommunity(async (communityId) => {
      await advanceLapses(communityId, now);
    });
  },
  /** The bot is reachable with its token: stamps last_online. */
  [SCHEDULED_JOBS.heartbeat.name]: async () => {
    await forEachCommunity(async (communityId) => {
      const bot = await withCommunity(communityId, (tx) => activeBot(tx, communityId)).catch(() => null);
      if (!bot) return;
      try {
        await botRest(bot.token).get(Routes.user());
        await withCommunity(communityId, (tx) =>
          tx.discordBotConfig.update({ where: { communityId }, data: { lastOnline: new Date() }, select: { id: true } }),
        );
      } catch (error) {
        if (!permanentProblem(error)) throw error;
      }
    });
  },
  /** Recomputes the closed months of the overview's charts (late refunds included). */
  [SCHEDULED_JOBS.monthlyStats.name]: async () => {
    const now = new Date();
    const months = monthsBetween(
      new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 11, 1)),
      new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)),
    );
    await forEachCommunity((communityId) =>
      withCommunity(
        communityId,
        async (tx) => {
          await tx.$executeRaw`SET LOCAL TIME ZONE 'UTC'`;
          await saveMonthlyStats(tx, communityId, await computeMonthlyStats(tx, months));
        },
        { timeout: 120_000 },
      ),
    );
    // The Analytics tab's closed months, in the community's main currency, computed again
    // (a refund or a late payment since changes them).
    await forEachCommunity(async (communityId) => {
      const inScope = <T>(fn: (tx: TenantTx) => Promise<T>) => withCommunity(communityId, fn, { timeout: 120_000 });
      const tiers = await inScope((tx) => tx.subscriptionTier.findMany({ select: { currency: true } }));
      if (tiers.length) await refreshClosedMonths(inScope, communityId, mainCurrency(tiers), now);
    });
  },
  /** After an erasure or a removal: roles off first, then the Discord id an erased member no longer needs. */
  [JOB_KINDS.finishMemberExit]: async (payload, helpers) => {
    const { communityId, memberId } = memberJob.parse(payload);
    const result = await syncMemberRoles(communityId, memberId, { reason: "membership ended" });
    if (result.outcome !== "synced" && result.outcome !== "unchanged") helpers.logger.warn(`roles of ${memberId} not removed: ${result.outcome}`);
    await withCommunity(communityId, (tx) => tx.communityMember.updateMany({ where: { id: memberId, erasedAt: { not: null } }, data: { discordUserId: "" } }));
  },
  [JOB_KINDS.syncTiers]: async (payload, helpers) => {
    const { communityId, all } = payloads.syncTiers.parse(payload);
    const community = await db.community.findUniqueOrThrow({ where: { id: communityId }, select: { id: true, stripeAccountId: true } });
    const result = await syncAllTiers(community, (fn) => withCommunity(communityId, fn), undefined, { all });
    helpers.logger.info(`tiers mirrored to Stripe: ${result.synced} (${result.failed} failed)`);
    // Stripe not answering: the job is retried; the tiers page also offers "Sync to Stripe".
    // A refusal waits for the owner's change (the tier says why): retrying would not help.
    const unanswered = result.failed - result.refused;
    if (unanswered > 0) throw new Error(`${unanswered} tiers could not be mirrored to Stripe`);
  },
  [JOB_KINDS.revokeRoles]: async (payload, helpers) => {
    const job = payloads.revokeRoles.parse(payload);
    const removed = await revokeManagedRoles(job.communityId, job.discordUserId);
    helpers.logger.info(`roles taken from a previous Discord account: ${removed.join(", ") || "none"}`);
  },
  [JOB_KINDS.cancelDuplicate]: async (payload, helpers) => {
    const job = payloads.subscription.parse(payload);
    const outcome = await cancelDuplicateSubscription(job.communityId, job.subscriptionId);
    helpers.logger.info(`duplicate subscription ${job.subscriptionId}: ${JSON.stringify(outcome)}`);
  },
  [JOB_KINDS.applyRetention]: async (_payload, helpers) => {
    const { reports, failures } = await applyRetentionPolicies();
    for (const r of reports)
      helpers.logger.info(`retention ${r.table}: ${r.deletedRows} rows deleted, ${r.droppedPartitions.length} partitions dropped (before ${r.cutoff})`);
    // The others are done; a retry re-applies only what is still past retention.
    if (failures.length) throw new Error(`retention failed for ${failures.map((f) => `${f.table} (${f.error})`).join(", ")}`);
  },
  [SCHEDULED_JOBS.purgeRateLimits.name]: async () => {
    await purgeExpiredLimits();
  },
  [SCHEDULED_JOBS.ensurePartitions.name]: async () => {
    await db.$queryRaw`SELECT ensure_analytics_partitions(date_trunc('month', now())::date, 3)`;
  },
};

export const crontab = Object.values(SCHEDULED_JOBS)
  .map((job) => `${job.cron} ${job.name}`)
  .join("\n");
