import type Stripe from "stripe";
import type { z } from "zod";
import type { SqlTx, TenantTx } from "../../db/scopes";
import type { Prisma } from "../../generated/prisma/client";
import type { SyncContext } from "../subscription-sync";
import { WebhookRejection } from "../errors";
import { subscriptionSchema, type StripeSubscription } from "../stripe-objects";
import { isMissingAtStripe } from "../stripe";

export type PrepareContext = { stripe: Stripe; stripeAccount: string };
export type Outcome = "processed" | "ignored";

/**
 * One Stripe event type. `peek` reads what we already hold, in the same short
 * read that looks for a duplicate; `prepare` runs outside any transaction and
 * may call Stripe (re-fetching the object's current state); `apply` runs in the
 * community's scope, in the transaction that records the event. A null from
 * prepare means the event needs nothing from us.
 */
export type WebhookHandler<P, K = unknown> = {
  /**
   * The common case in one transaction, without a peek or a call to Stripe:
   * applied from our own rows when they suffice (a renewal of a subscription we
   * hold). Null means they do not: the claim is rolled back and the full path
   * (peek, prepare, apply) runs instead. SQL only: it runs on the plain-pg
   * transaction (sqlInCommunity), the hottest path we have.
   */
  fast?(tx: SqlTx, object: Record<string, unknown>, ctx: SyncContext, opened: Record<string, unknown>[][]): Promise<Outcome | null>;
  /** Reads the fast path wants sent with its BEGIN and ledger claim (one round trip); their rows are fast's `opened`. */
  fastOpening?(object: Record<string, unknown>): Prisma.Sql[];
  peek?(tx: TenantTx, object: Record<string, unknown>): Promise<K>;
  prepare(object: Record<string, unknown>, ctx: PrepareContext, peeked: K): Promise<P | null>;
  apply(tx: TenantTx, prepared: P, ctx: SyncContext): Promise<Outcome>;
};

export function defineHandler<P, K = undefined>(handler: WebhookHandler<P, K>): WebhookHandler<unknown> {
  return handler as WebhookHandler<unknown>;
}

export function parseObject<S extends z.ZodType>(schema: S, object: unknown): z.output<S> {
  const parsed = schema.safeParse(object);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.join(".") || "object"}: ${issue.message}`);
    throw new WebhookRejection(`unexpected object shape (${problems.join("; ")})`);
  }
  return parsed.data;
}

/**
 * Stripe's current state of an object an event names: Stripe does not order
 * deliveries, so a handler applies what is true now, not the event's copy.
 * When Stripe no longer knows the object, the copy is all there is (`fresh`
 * false: it may be stale).
 */
export async function readBack<S extends z.ZodType>(
  schema: S,
  eventCopy: z.output<S>,
  retrieve: () => Promise<unknown>,
): Promise<{ object: z.output<S>; fresh: boolean }> {
  try {
    return { object: parseObject(schema, await retrieve()), fresh: true };
  } catch (error) {
    if (!isMissingAtStripe(error)) throw error;
    return { object: eventCopy, fresh: false };
  }
}

/**
 * Stripe's current state of a subscription: what every subscription-related
 * event applies, so late and repeated events converge on the truth. A
 * subscription Stripe no longer knows falls back to the event's own copy.
 */
export async function currentSubscription(ctx: PrepareContext, id: string, eventCopy?: unknown): Promise<StripeSubscription> {
  try {
    const fresh = await ctx.stripe.subscriptions.retrieve(id, {}, { stripeAccount: ctx.stripeAccount });
    return parseObject(subscriptionSchema, fresh);
  } catch (error) {
    const missing = isMissingAtStripe(error);
    if (missing && eventCopy !== undefined) return parseObject(subscriptionSchema, eventCopy);
    if (missing) throw new WebhookRejection(`Stripe does not know subscription ${id}`);
    throw error;
  }
}
