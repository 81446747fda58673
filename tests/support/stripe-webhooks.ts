// A fake Stripe whose signed webhook deliveries are caught, not processed, so
// a test decides when, in which order and how often the app receives them.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { afterAll, beforeAll } from "vitest";
import { startFakeStripe, type FakeStripe } from "../../e2e/fakes/stripe/server";
import type { Actor, CommunityRef } from "../../lib/actions/action-chain";
import { startCheckout } from "../../lib/billing/checkout";
import { refreshConnectState, startOnboarding } from "../../lib/billing/connect";
import { createStripe } from "../../lib/billing/stripe";
import { applyQueuedStripeEvent, type ApplyDeps } from "../../lib/billing/webhooks/apply";
import { receiveStripeWebhook, type WebhookAnswer, type WebhookDeps } from "../../lib/billing/webhooks/receive";
import { db, type Database } from "../../lib/db/client";
import { JOB_KINDS } from "../../lib/jobs/enqueue";
import { withCommunity } from "../../lib/db/scopes";
import { createTier } from "../../lib/tiers/service";
import { tierInputSchema } from "../../lib/tiers/validation";
import { createCommunity, createUser } from "./fixtures";
import { tierForm } from "./tier-form";

export type Delivery = { raw: string; signature: string; type: string; id: string };

export const WEBHOOK_SECRET = "whsec_integration_tests_secret";
const signer = new Stripe("sk_test_signer");

export function sign(payload: string, options: { secret?: string; timestamp?: number } = {}): string {
  return signer.webhooks.generateTestHeaderString({
    payload,
    secret: options.secret ?? WEBHOOK_SECRET,
    ...(options.timestamp ? { timestamp: options.timestamp } : {}),
  });
}

/** A Stripe-shaped event for a connected account, signed now. */
export function signedEvent(type: string, object: object, account: string, id = `evt_${Math.random().toString(36).slice(2)}${Date.now()}`): Delivery {
  const raw = JSON.stringify({
    id,
    object: "event",
    api_version: "2026-10-28.endive",
    created: Math.floor(Date.now() / 1000),
    type,
    livemode: false,
    account,
    data: { object },
  });
  return { raw, signature: sign(raw), type, id };
}

/** The endpoint's answer and, when it queued the event, what applying it came to. */
export type Delivered = WebhookAnswer & { applied?: string };

export type StripeHarness = {
  fake: FakeStripe;
  client: Stripe;
  /** Deliveries caught since the last take(). */
  take: () => Promise<Delivery[]>;
  deps: WebhookDeps;
  /** The endpoint alone: the event stored and its job queued, nothing applied. */
  receive: (d: Delivery, deps?: Partial<WebhookDeps>) => Promise<WebhookAnswer>;
  /**
   * The endpoint, then the event's job at once, as an idle worker would take it.
   * A failed job stays queued (graphile-worker retries it): the error is thrown.
   */
  deliver: (d: Delivery, deps?: Partial<WebhookDeps>) => Promise<Delivered>;
  /** The worker's retries: every job this harness queued and did not finish, in order; what each came to. */
  retryQueued: (deps?: Partial<ApplyDeps>) => Promise<{ eventId: string; applied?: string; error?: unknown }[]>;
  close: () => Promise<void>;
};

/** The database the deps' event went to (a test may give another, whole). */
const databaseOf = (deps: Partial<ApplyDeps>) => (deps.db as Database | undefined) ?? db;

/** A stored event's job stripe:apply, still in graphile-worker's queue (none once it is done). */
async function queuedJobOf(eventId: string, database: Database = db): Promise<{ id: bigint; payload: unknown } | undefined> {
  const [job] = await database.$queryRaw<{ id: bigint; payload: unknown }[]>`
    SELECT j.id, j.payload FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
     WHERE t.identifier = ${JOB_KINDS.applyStripeEvent} AND j.payload->>'eventId' = ${eventId}`;
  return job;
}

/** Runs a stored event's job as the worker does: done and removed when it succeeds, left queued when it throws. */
async function runQueuedJob(eventId: string, deps: ApplyDeps): Promise<string | undefined> {
  const database = databaseOf(deps);
  const job = await queuedJobOf(eventId, database);
  if (!job) return undefined;
  const applied = await applyQueuedStripeEvent(job.payload, deps);
  await database.$queryRaw`SELECT FROM graphile_worker.complete_jobs(ARRAY[${job.id}]::bigint[])`;
  return applied;
}

/** The fake Stripe's charge of a payment intent, to refund or dispute. */
export function chargeOfIntent(h: StripeHarness, paymentIntentId: string) {
  const charge = [...h.fake.objects.values()].find((o) => o.object === "charge" && o.payment_intent === paymentIntentId);
  if (!charge) throw new Error(`the fake Stripe holds no charge of ${paymentIntentId}`);
  return charge;
}

/**
 * The test file's harness: started before its tests, closed after them (with the
 * database client). Filled in place, so the file can hold it from the start.
 */
export function stripeHarnessForFile(): StripeHarness {
  const h = {} as StripeHarness;
  beforeAll(async () => {
    Object.assign(h, await startStripeHarness());
  });
  afterAll(async () => {
    await h.close();
    await db.$disconnect();
  });
  return h;
}

export async function startStripeHarness(): Promise<StripeHarness> {
  let caught: Delivery[] = [];
  const receiver: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const { id, type } = JSON.parse(raw) as { id: string; type: string };
      caught.push({ raw, signature: String(req.headers["stripe-signature"]), id, type });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const { port } = receiver.address() as AddressInfo;
  const fake = await startFakeStripe({ webhook: { url: `http://127.0.0.1:${port}/`, secret: WEBHOOK_SECRET } });
  const client = createStripe({ mode: "demo", url: fake.url });
  const deps: WebhookDeps = { secret: WEBHOOK_SECRET, stripe: () => client };
  // The events this harness stored: retryQueued runs whichever of their jobs are still queued.
  const queued = new Set<string>();
  const receive = async (d: Delivery, extra: Partial<WebhookDeps> = {}) => {
    const answer = await receiveStripeWebhook(d.raw, d.signature, { ...deps, ...extra });
    if (answer.body.outcome === "queued") queued.add(d.id);
    return answer;
  };
  return {
    fake,
    client,
    deps,
    take: async () => {
      await fake.settled();
      const out = caught;
      caught = [];
      return out;
    },
    receive,
    deliver: async (d, extra = {}) => {
      const answer = await receive(d, extra);
      return answer.body.outcome === "queued" ? { ...answer, applied: await runQueuedJob(d.id, { ...deps, ...extra }) } : answer;
    },
    retryQueued: async (extra = {}) => {
      const results = [];
      for (const eventId of queued) {
        if (!(await queuedJobOf(eventId, databaseOf(extra)))) {
          queued.delete(eventId);
          continue;
        }
        try {
          results.push({ eventId, applied: await runQueuedJob(eventId, { ...deps, ...extra }) });
        } catch (error) {
          results.push({ eventId, error });
        }
      }
      return results;
    },
    close: async () => {
      await fake.close();
      await new Promise((resolve) => receiver.close(resolve));
    },
  };
}

export type PaidCommunity = {
  community: CommunityRef;
  account: string;
  tierId: string;
  inScope: <T>(fn: Parameters<typeof withCommunity<T>>[1]) => Promise<T>;
};

/** A community with a connected, charge-enabled account and one tier. */
export async function paidCommunity(h: StripeHarness, tier: Record<string, string> = {}): Promise<PaidCommunity> {
  const owner = await createUser("hook_owner");
  const c = await createCommunity(owner.id);
  await fetch(await startOnboarding({ id: c.id, stripeAccountId: null }, { returnUrl: "http://x/r", refreshUrl: "http://x/f" }, h.client), {
    method: "POST",
    redirect: "manual",
  });
  const select = { id: true, slug: true, name: true, ownerId: true, stripeAccountId: true, subscriptionTier: true } as const;
  await refreshConnectState(await db.community.findUniqueOrThrow({ where: { id: c.id }, select }), h.client);
  const community = await db.community.findUniqueOrThrow({ where: { id: c.id }, select });
  const inScope = <T>(fn: Parameters<typeof withCommunity<T>>[1]) => withCommunity(community.id, fn);
  const input = tierInputSchema.parse(tierForm({ discordRoleId: "123456789012345678", ...tier }));
  const { tierId } = await createTier(input, community, inScope, h.client);
  return { community, account: community.stripeAccountId!, tierId, inScope };
}

/** A member who pays through the fake's hosted Checkout; returns the Stripe subscription id. */
export async function payCheckout(h: StripeHarness, paid: PaidCommunity, name = "buyer"): Promise<{ actor: Actor; subscriptionId: string }> {
  const user = await createUser(name);
  const actor = { id: user.id, discordId: user.discordId, username: name };
  const { url } = await startCheckout(paid.tierId, { actor, community: paid.community, inScope: paid.inScope, origin: "http://localhost" }, h.client);
  const response = await fetch(url, { method: "POST", body: new URLSearchParams({ outcome: "pay" }), redirect: "manual" });
  if (response.status !== 303) throw new Error(`checkout did not complete: ${response.status}`);
  const sessionId = new URL(url).pathname.split("/").pop()!;
  const session = h.fake.objects.get(sessionId)!;
  return { actor, subscriptionId: String(session.subscription) };
}
