// POST /api/webhooks/stripe, minus HTTP: verify, route to the community, store
// the event with its job, answer. The worker then applies it (./apply.ts), as
// Stripe asks of an endpoint: answer 2xx quickly, before any complex logic.
import Stripe from "stripe";
import { Prisma } from "../../generated/prisma/client";
import { db as appDb, type Database } from "../../db/client";
import { statementInCommunity as appStatementInCommunity, type SqlTx, type TenantTx } from "../../db/scopes";
import { addJobSql, JOB_KINDS } from "../../jobs/enqueue";
import { log } from "../../observability/log";
import { ledgerClaimSql, ledgerInsertSql } from "../stripe-ledger";
import { HANDLERS } from "./handlers";
import { eventSchema, type StripeEventEnvelope } from "../stripe-objects";

export type WebhookAnswer = { status: number; body: { received: boolean; outcome?: string; error?: string } };

/** What the endpoint and the worker's half (./apply.ts) use; tests give their own. */
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

export const answer = (status: number, body: WebhookAnswer["body"]): WebhookAnswer => ({ status, body });

type AccountCommunity = { id: string };
// Events come in bursts per account; the mapping changes only when an owner
// connects an account, so a few seconds of memory saves a query per event.
const accountCache = new Map<string, { community: AccountCommunity; until: number }>();
const ACCOUNT_CACHE_MS = 10_000;

/** The one narrow lookup from a connected account to the community it pays out to. */
async function communityForAccount(database: Pick<Database, "community">, stripeAccountId: string): Promise<AccountCommunity | null> {
  const cached = accountCache.get(stripeAccountId);
  if (cached && cached.until > Date.now()) return cached.community;
  const community = await database.community.findUnique({ where: { stripeAccountId }, select: { id: true } });
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

/** The event stored as queued with the job that applies it, in one statement; a row back means it was new. */
function queueSql(event: StripeEventEnvelope, rawBody: string, communityId: string, receivedAt: Date): Prisma.Sql {
  return Prisma.sql`WITH stored AS (${ledgerInsertSql(event, communityId, receivedAt, "queued")} ON CONFLICT (community_id, id) DO NOTHING RETURNING 1)
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
