import { Prisma } from "../generated/prisma/client";
import { addJobSql, type JobKind, type JobOptions, type JobPayload } from "../jobs/enqueue";
import type { SqlTx } from "../db/scopes";
import { ownerEventSql, type OwnerEventType } from "../webhooks/events";

/** Billing events owners also receive at their webhook endpoints. */
const OWNER_EVENT_OF: Partial<Record<string, OwnerEventType>> = {
  payment_succeeded: "payment.succeeded",
  payment_failed: "payment.failed",
  payment_refunded: "payment.refunded",
};

export const BILLING_EVENTS = [
  "subscription_started",
  "subscription_renewed",
  "subscription_canceled",
  "payment_succeeded",
  "payment_failed",
  "payment_recovered",
  "payment_refunded",
  "payment_disputed",
] as const;
export type BillingEventName = (typeof BILLING_EVENTS)[number];

export type FollowUpJob = { kind: JobKind; payload: JobPayload; options?: JobOptions };

/**
 * A billing state change as an analytics event, written in the change's
 * transaction; `alsoAs` records the same change under more names, and
 * `thenEnqueue` adds a job, all in one statement (this runs for every payment).
 */
export async function recordBillingEvent(tx: SqlTx, ...args: Parameters<typeof billingEventSql>): Promise<void> {
  await tx.$executeRaw(billingEventSql(...args));
}

/** recordBillingEvent's statement, for a caller that sends it as its transaction's last write (lastWrite). */
export function billingEventSql(
  event: { communityId: string; name: BillingEventName; at: Date; userId?: string | null; discordUserId?: string | null; properties: Prisma.InputJsonObject },
  alsoAs: BillingEventName[] = [],
  thenEnqueue?: FollowUpJob,
  /** Another write of the same change (a member's deferred update), run in this statement. */
  alongside: Prisma.Sql | null = null,
): Prisma.Sql {
  const names = [event.name, ...alsoAs];
  const insert = Prisma.sql`INSERT INTO analytics_events (community_id, event_type, event_name, user_id, discord_user_id, properties, "timestamp")
    SELECT ${event.communityId}::uuid, 'billing', name, ${event.userId ?? null}::uuid, ${event.discordUserId ?? null}, ${JSON.stringify(event.properties)}::jsonb, ${event.at}::timestamptz
      FROM unnest(${names}::text[]) AS name`;
  // A data-modifying WITH always runs to completion, whatever the main statement reads:
  // the owner's webhook deliveries ride in the same round trip.
  const ownerType = OWNER_EVENT_OF[event.name];
  const owner = ownerType
    ? Prisma.sql`owner_event AS (${ownerEventSql({ communityId: event.communityId, type: ownerType, at: event.at, data: { ...event.properties, discord_user_id: event.discordUserId ?? null } })}), `
    : Prisma.empty;
  const also = alongside ? Prisma.sql`alongside AS (${alongside}), ` : Prisma.empty;
  const tail = thenEnqueue ? addJobSql(thenEnqueue.kind, thenEnqueue.payload, thenEnqueue.options) : Prisma.sql`SELECT 1`;
  if (!ownerType && !alongside && !thenEnqueue) return insert;
  return Prisma.sql`WITH ${also}${owner}recorded AS (${insert} RETURNING 1) ${tail}`;
}
