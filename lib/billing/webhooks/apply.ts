// The worker's half of a Stripe event (job stripe:apply): the event the endpoint
// stored (./receive.ts) is applied once: its effects and its ledger claim commit
// together or not at all, and a failed attempt leaves it queued for the job's retry.
import { z } from "zod";
import { db as appDb } from "../../db/client";
import { inTurn, sqlInCommunity as appSqlInCommunity, withCommunity as appWithCommunity, type SqlTx, type TenantTx, rowKey } from "../../db/scopes";
import { readSettings } from "../../communities/validation";
import { raiseAlert, resolveAlert } from "../../alerts/raise";
import { log } from "../../observability/log";
import { WebhookRejection } from "../errors";
import { ledgerClaimSql } from "../stripe-ledger";
import { HANDLERS } from "./handlers";
import { eventSchema, type StripeEventEnvelope } from "../stripe-objects";
import type { WebhookDeps } from "./receive";

/** What the worker needs to apply events: the endpoint's dependencies but its secret. */
export type ApplyDeps = Omit<WebhookDeps, "secret">;

/** The job stripe:apply's payload: the community the event was stored for, and the event as Stripe signed it. */
export const queuedEventSchema = z.object({ communityId: z.uuid(), eventId: z.string().min(1).max(255), event: z.string().max(1_000_000) });

/** A job's payload, read once: the community and the event as Stripe signed it. */
function readJob(payload: unknown) {
  const job = queuedEventSchema.parse(payload);
  return { communityId: job.communityId, eventId: job.eventId, event: eventSchema.parse(JSON.parse(job.event)) };
}

/**
 * The worker's half (job stripe:apply): applies a stored event, once. A throw
 * (the database, Stripe, or RetryLater: an event that needs another's effects
 * first) leaves the event queued, and graphile-worker retries the job.
 */
export async function applyQueuedStripeEvent(payload: unknown, deps: ApplyDeps): Promise<string> {
  return applyJob(readJob(payload), deps);
}

async function applyJob({ communityId, event }: ReturnType<typeof readJob>, deps: ApplyDeps): Promise<string> {
  const community = await (deps.db ?? appDb).community.findUnique({ where: { id: communityId }, select: { id: true, settings: true } });
  // Deleted since, with its ledger: nothing left to apply the event to.
  if (!community) return "ignored";
  return applyEvent(event, community, (deps.now ?? (() => new Date()))(), deps);
}

/**
 * Failed attempts before the owner is told (the 5th comes about 1.5 minutes
 * after the first): Stripe answered 200 long ago, so its dashboard shows no
 * failed delivery, and a payment not applied is access not granted.
 */
export const ALERT_AFTER_ATTEMPTS = 5;

/**
 * The job stripe:apply itself: applies the event; from the ALERT_AFTER_ATTEMPTS-th
 * failed attempt the community's owner sees an alert, resolved once it is applied.
 */
export async function runStripeEventJob(payload: unknown, attempt: number, deps: ApplyDeps): Promise<string> {
  const job = readJob(payload);
  const dedupeKey = `stripe_event_stuck:${job.eventId}`;
  const inScope = <T>(fn: (tx: TenantTx) => Promise<T>) => (deps.withCommunity ?? appWithCommunity)(job.communityId, fn);
  try {
    const outcome = await applyJob(job, deps);
    if (attempt >= ALERT_AFTER_ATTEMPTS) await inScope((tx) => resolveAlert(tx, job.communityId, dedupeKey, new Date()));
    return outcome;
  } catch (error) {
    if (attempt >= ALERT_AFTER_ATTEMPTS) {
      await inScope((tx) =>
        raiseAlert(tx, job.communityId, {
          kind: "stripe_event_stuck",
          severity: "critical",
          title: "A Stripe event could not be applied yet",
          detail: `Stripe's ${job.event.type} (${job.eventId}) failed ${attempt} times: ${(error as Error).message.slice(0, 300)}. CommunityOS keeps retrying it for about 4 days; until then, what it changes (a payment, a member's access) is not shown here.`,
          dedupeKey,
        }),
      ).catch((alertError: unknown) => log.error({ err: alertError, eventId: job.eventId }, "could not raise the stuck Stripe event alert"));
    }
    throw error;
  }
}

async function applyEvent(event: StripeEventEnvelope, community: { id: string; settings: unknown }, now: Date, deps: ApplyDeps): Promise<string> {
  const withCommunity = deps.withCommunity ?? appWithCommunity;
  const inScope = <T>(fn: (tx: TenantTx) => Promise<T>) => withCommunity(community.id, fn);
  const handler = HANDLERS[event.type];
  const { gracePeriodDays, restrictedDays, receipts } = readSettings(community.settings);
  const ctx = { communityId: community.id, now, gracePeriodDays, restrictedDays, sendsReceipts: receipts === "communityos" };
  /** The ledger claim: concurrent copies of this event wait on it until the first commits, then find it taken. */
  const claimSql = ledgerClaimSql(event, community.id, now, "processed");
  const claim = async (tx: SqlTx) => (await tx.$queryRaw<unknown[]>(claimSql)).length === 1;
  const settle = async (tx: SqlTx, result: string) => {
    if (result !== "processed") await tx.$executeRaw`UPDATE stripe_events SET outcome = ${result} WHERE id = ${event.id}`;
    return result;
  };

  const record = (outcome: string, error?: string) => inScope((tx) => tx.$queryRaw(ledgerClaimSql(event, community.id, now, outcome, error)));
  try {
    // The common case first: one transaction from our own rows (claim, effects, ledger).
    if (handler?.fast) {
      // The claim rides in the BEGIN's message.
      const fast = await (deps.sqlInCommunity ?? appSqlInCommunity)(
        community.id,
        async (tx, [claimed, ...opened]) => {
          if (claimed?.length !== 1) return "duplicate";
          const result = await handler.fast!(tx, event.data.object, ctx, opened);
          // Our rows do not suffice: undo the claim, and take the full path below.
          if (result === null) throw new NeedsFullPath();
          return settle(tx, result);
        },
        [claimSql, ...(handler.fastOpening?.(event.data.object) ?? [])],
      ).catch((error: unknown) => (error instanceof NeedsFullPath ? null : Promise.reject(error)));
      if (fast) return fast;
    }

    // A cheap look before any Stripe call (the claim in the transaction is what
    // guarantees once), with what the handler wants to know of our rows.
    const [seen, peeked] = await inScope((tx) =>
      inTurn(
        () => tx.stripeEvent.findUnique({ where: rowKey(event.id), select: { outcome: true } }),
        async () => handler?.peek?.(tx, event.data.object),
      ),
    );
    if (seen && seen.outcome !== "queued") return "duplicate";
    if (!handler) {
      await record("ignored");
      return "ignored";
    }
    // Outside any transaction: may call Stripe (docs/architecture.md, "Pitfalls").
    const prepared = await handler.prepare(event.data.object, { stripe: deps.stripe(), stripeAccount: event.account! }, peeked);
    return await inScope(async (tx) => {
      if (!(await claim(tx))) return "duplicate";
      return settle(tx, prepared === null ? "ignored" : await handler.apply(tx, prepared, ctx));
    });
  } catch (error) {
    if (!(error instanceof WebhookRejection)) throw error;
    await record("rejected", error.message);
    log.warn({ eventId: event.id, eventType: event.type, reason: error.message }, "stripe webhook rejected");
    return "rejected";
  }
}

/** Thrown inside the fast path's transaction to roll its claim back. */
class NeedsFullPath extends Error {}
