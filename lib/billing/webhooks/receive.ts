// POST /api/webhooks/stripe, minus HTTP: verify, route to the community, store,
// answer; the worker then applies the event (job stripe:apply), as Stripe asks of
// an endpoint: answer 2xx quickly, before any complex logic. A stored event is
// applied once: its effects and its ledger claim commit together or not at all,
// and a failed attempt leaves it queued for the job's retry.
import Stripe from "stripe";
import { z } from "zod";
import { Prisma } from "../../generated/prisma/client";
import { db as appDb, type Database } from "../../db/client";
import {
  inTurn,
  sqlInCommunity as appSqlInCommunity,
  statementInCommunity as appStatementInCommunity,
  withCommunity as appWithCommunity,
  type SqlTx,
  type TenantTx,
  rowKey,
} from "../../db/scopes";
import { readSettings } from "../../communities/validation";
import { addJobSql, JOB_KINDS } from "../../jobs/enqueue";
import { log } from "../../observability/log";
import { WebhookRejection } from "../errors";
import { ledgerRow } from "../stripe-ledger";
import { HANDLERS } from "./handlers";
import { eventSchema, type StripeEventEnvelope } from "../stripe-objects";

export type WebhookAnswer = { status: number; body: { received: boolean; outcome?: string; error?: string } };

export type WebhookDeps = {
  secret: string;
  stripe: () => Stripe;
  db?: Pick<Database, "community">;
  withCommunity?: <T>(communityId: string, fn: (tx: TenantTx) => Promise<T>) => Promise<T>;
  /** The fast path's plain-SQL transaction (defaults to sqlInCommunity; give it with withCommunity, from the same database). */
  sqlInCommunity?: <T>(communityId: string, fn: (tx: SqlTx, opened: Record<string, unknown>[][]) => Promise<T>, opening?: Prisma.Sql[]) => Promise<T>;
  /** The one-statement transaction that stores an event (defaults to statementInCommunity, with the others). */
  statementInCommunity?: (communityId: string, statement: Prisma.Sql) => Promise<unknown[]>;
  now?: () => Date;
};

/** What the worker needs to apply events: the endpoint's dependencies but its secret. */
export type ApplyDeps = Omit<WebhookDeps, "secret">;

export const answer = (status: number, body: WebhookAnswer["body"]): WebhookAnswer => ({ status, body });

type AccountCommunity = { id: string; settings: unknown };
// Events come in bursts per account; the mapping changes only when an owner
// connects an account, so a few seconds of memory saves a query per event
// (a change of the community's settings reaches its events within those seconds).
const accountCache = new Map<string, { community: AccountCommunity; until: number }>();
const ACCOUNT_CACHE_MS = 10_000;

/** The one narrow lookup from a connected account to the community it pays out to. */
async function communityForAccount(database: Pick<Database, "community">, stripeAccountId: string): Promise<AccountCommunity | null> {
  const cached = accountCache.get(stripeAccountId);
  if (cached && cached.until > Date.now()) return cached.community;
  const community = await database.community.findUnique({ where: { stripeAccountId }, select: { id: true, settings: true } });
  if (community) accountCache.set(stripeAccountId, { community, until: Date.now() + ACCOUNT_CACHE_MS });
  if (accountCache.size > 10_000) accountCache.clear();
  return community;
}

/** The event a request carries, if Stripe signed it with this endpoint's secret; else the 400 to answer. */
export function readSignedEvent(rawBody: string, signature: string | null, secret: string): { event: StripeEventEnvelope } | WebhookAnswer {
  if (!signature) return answer(400, { received: false, error: "Missing Stripe-Signature header." });
  try {
    // Verified over the raw bytes as received, with Stripe's default 300 s tolerance
    // (constructEvent would also parse the body, which is parsed once below).
    Stripe.webhooks.signature!.verifyHeader(rawBody, signature, secret, Stripe.webhooks.DEFAULT_TOLERANCE);
  } catch {
    return answer(400, { received: false, error: "Invalid Stripe signature." });
  }
  const parsed = eventSchema.safeParse(JSON.parse(rawBody)); // valid JSON: the signature covered it
  if (!parsed.success) return answer(400, { received: false, error: "Not a Stripe event." });
  return { event: parsed.data };
}

/** The ledger row's insert, or its claim when the row is still queued; no row back means another copy was applied. */
function ledgerClaimSql(event: StripeEventEnvelope, communityId: string, receivedAt: Date, outcome: string, error?: string): Prisma.Sql {
  const row = ledgerRow(event, communityId, receivedAt, outcome, error);
  return Prisma.sql`INSERT INTO stripe_events (id, community_id, type, stripe_account_id, object_id, livemode, stripe_created_at, received_at, outcome, error)
      VALUES (${row.id}, ${row.communityId}::uuid, ${row.type}, ${row.stripeAccountId}, ${row.objectId}, ${row.livemode}, ${row.stripeCreatedAt}::timestamptz, ${row.receivedAt}::timestamptz, ${row.outcome}, ${row.error})
      ON CONFLICT (community_id, id) DO UPDATE SET outcome = EXCLUDED.outcome, error = EXCLUDED.error, processed_at = clock_timestamp()
        WHERE stripe_events.outcome = 'queued'
      RETURNING 1 AS claimed`;
}

/** The event stored as queued with the job that applies it, in one statement; a row back means it was new. */
function queueSql(event: StripeEventEnvelope, rawBody: string, communityId: string, receivedAt: Date): Prisma.Sql {
  const row = ledgerRow(event, communityId, receivedAt, "queued");
  return Prisma.sql`WITH stored AS (
      INSERT INTO stripe_events (id, community_id, type, stripe_account_id, object_id, livemode, stripe_created_at, received_at, processed_at, outcome)
      VALUES (${row.id}, ${row.communityId}::uuid, ${row.type}, ${row.stripeAccountId}, ${row.objectId}, ${row.livemode}, ${row.stripeCreatedAt}::timestamptz, ${row.receivedAt}::timestamptz, NULL, 'queued')
      ON CONFLICT (community_id, id) DO NOTHING RETURNING 1)
    ${addJobSql(JOB_KINDS.applyStripeEvent, { communityId, eventId: event.id, event: rawBody })} WHERE EXISTS (SELECT 1 FROM stored)`;
}

export async function receiveStripeWebhook(rawBody: string, signature: string | null, deps: WebhookDeps): Promise<WebhookAnswer> {
  const receivedAt = (deps.now ?? (() => new Date()))();

  const signed = readSignedEvent(rawBody, signature, deps.secret);
  if ("status" in signed) return signed;
  const { event } = signed;

  try {
    // Only Connect events (for a community's account) change anything here.
    const community = event.account ? await communityForAccount(deps.db ?? appDb, event.account) : null;
    if (!community) return answer(200, { received: true, outcome: "ignored", error: "No community uses this Stripe account." });
    const inOneStatement = deps.statementInCommunity ?? appStatementInCommunity;
    if (!HANDLERS[event.type]) {
      await inOneStatement(community.id, ledgerClaimSql(event, community.id, receivedAt, "ignored"));
      return answer(200, { received: true, outcome: "ignored" });
    }
    const queued = await inOneStatement(community.id, queueSql(event, rawBody, community.id, receivedAt));
    return answer(200, { received: true, outcome: queued.length === 1 ? "queued" : "duplicate" });
  } catch (error) {
    log.error({ err: error, eventId: event.id, eventType: event.type }, "stripe webhook not stored; Stripe will retry");
    return answer(500, { received: false, error: "The event could not be stored now; Stripe will retry." });
  }
}

/** The job stripe:apply's payload: the community the event was stored for, and the event as Stripe signed it. */
export const queuedEventSchema = z.object({ communityId: z.uuid(), eventId: z.string().min(1).max(255), event: z.string().max(1_000_000) });

/**
 * The worker's half (job stripe:apply): applies a stored event, once. A throw
 * (the database, Stripe, or RetryLater: an event that needs another's effects
 * first) leaves the event queued, and graphile-worker retries the job.
 */
export async function applyQueuedStripeEvent(payload: unknown, deps: ApplyDeps): Promise<string> {
  const job = queuedEventSchema.parse(payload);
  const event = eventSchema.parse(JSON.parse(job.event));
  const community = await (deps.db ?? appDb).community.findUnique({ where: { id: job.communityId }, select: { id: true, settings: true } });
  // Deleted since, with its ledger: nothing left to apply the event to.
  if (!community) return "ignored";
  return applyEvent(event, community, (deps.now ?? (() => new Date()))(), deps);
}

async function applyEvent(event: StripeEventEnvelope, community: AccountCommunity, receivedAt: Date, deps: ApplyDeps): Promise<string> {
  const withCommunity = deps.withCommunity ?? appWithCommunity;
  const inScope = <T>(fn: (tx: TenantTx) => Promise<T>) => withCommunity(community.id, fn);
  const handler = HANDLERS[event.type];
  const { gracePeriodDays, restrictedDays, receipts } = readSettings(community.settings);
  const ctx = { communityId: community.id, now: receivedAt, gracePeriodDays, restrictedDays, sendsReceipts: receipts === "communityos" };
  /** The ledger claim: concurrent copies of this event wait on it until the first commits, then find it taken. */
  const claimSql = ledgerClaimSql(event, community.id, receivedAt, "processed");
  const claim = async (tx: SqlTx) => (await tx.$queryRaw<unknown[]>(claimSql)).length === 1;
  const settle = async (tx: SqlTx, result: string) => {
    if (result !== "processed") await tx.$executeRaw`UPDATE stripe_events SET outcome = ${result} WHERE id = ${event.id}`;
    return result;
  };

  const record = (outcome: string, error?: string) => inScope((tx) => tx.$queryRaw(ledgerClaimSql(event, community.id, receivedAt, outcome, error)));
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
