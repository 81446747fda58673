// The ledger of Stripe events (stripe_events): one row per event id, stored
// 'queued' by the endpoint and claimed in the transaction of the event's effects,
// so a re-delivery finds it and does nothing.
import { Prisma } from "../generated/prisma/client";
import type { StripeEventEnvelope } from "./stripe-objects";

export function ledgerRow(event: StripeEventEnvelope, communityId: string, receivedAt: Date, outcome: string, error?: string) {
  return {
    id: event.id,
    communityId,
    type: event.type,
    stripeAccountId: event.account ?? null,
    objectId: event.data.object.id ?? null,
    livemode: event.livemode,
    stripeCreatedAt: new Date(event.created * 1000),
    receivedAt,
    outcome,
    error: error?.slice(0, 2000) ?? null,
  };
}

/** The event's ledger row; processed_at stays empty while it is queued. */
export function ledgerInsertSql(event: StripeEventEnvelope, communityId: string, receivedAt: Date, outcome: string, error?: string): Prisma.Sql {
  const row = ledgerRow(event, communityId, receivedAt, outcome, error);
  return Prisma.sql`INSERT INTO stripe_events (id, community_id, type, stripe_account_id, object_id, livemode, stripe_created_at, received_at, outcome, error, processed_at)
      VALUES (${row.id}, ${row.communityId}::uuid, ${row.type}, ${row.stripeAccountId}, ${row.objectId}, ${row.livemode}, ${row.stripeCreatedAt}::timestamptz,
              ${row.receivedAt}::timestamptz, ${row.outcome}, ${row.error}, CASE WHEN ${row.outcome}::text = 'queued' THEN NULL ELSE clock_timestamp() END)`;
}

/** The ledger row's insert, or its claim when the row is still queued; no row back means another copy was applied. */
export function ledgerClaimSql(event: StripeEventEnvelope, communityId: string, receivedAt: Date, outcome: string, error?: string): Prisma.Sql {
  return Prisma.sql`${ledgerInsertSql(event, communityId, receivedAt, outcome, error)}
      ON CONFLICT (community_id, id) DO UPDATE SET outcome = EXCLUDED.outcome, error = EXCLUDED.error, processed_at = clock_timestamp()
        WHERE stripe_events.outcome = 'queued'
      RETURNING 1 AS claimed`;
}
