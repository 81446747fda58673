// Events owners receive at their webhook endpoints. An event is recorded as
// one delivery row per subscribed endpoint, inside the transaction of the
// change it reports (a trigger adds each row's job): a committed change always
// has its deliveries, a rolled-back one never does.
import { randomUUID } from "node:crypto";
import { Prisma } from "../generated/prisma/client";
import type { SqlTx } from "../db/scopes";
import { FULL_ACCESS, LAPSE_STAGES } from "../billing/member-standing";

export const OWNER_EVENTS = {
  "member.joined": "A member gained paid or free access (first time, or back after it ended).",
  "member.upgraded": "A member moved to a dearer tier.",
  "member.downgraded": "A member moved to a cheaper tier.",
  "member.lapsed": "A member's payment failed: grace, then restricted, then removed (data.stage).",
  "member.cancelled": "A member's access ended: cancelled, or their last pass or comp ran out.",
  "member.paused": "A member paused their membership: no charges and no access until it resumes (data.access_until, null: when they resume it).",
  "member.resumed": "A paused membership resumed: access is back and billing continues.",
  "payment.succeeded": "A payment was received.",
  "payment.failed": "A payment failed (a renewal was declined).",
  "payment.refunded": "A payment was refunded, in full or in part.",
} as const;
export type OwnerEventType = keyof typeof OWNER_EVENTS;
export const OWNER_EVENT_TYPES = Object.keys(OWNER_EVENTS) as OwnerEventType[];

export type OwnerEvent = { communityId: string; type: OwnerEventType; data: Record<string, unknown>; at?: Date };

/** The statement recording the event for every endpoint that wants it (none: nothing happens). */
/** The JSON an endpoint receives: the same shape for every event, the test ping included. */
export function ownerEventPayload(event: { communityId: string; type: string; data: Record<string, unknown>; at?: Date }) {
  const id = randomUUID();
  return { id, type: event.type, created: Math.floor((event.at ?? new Date()).getTime() / 1000), community_id: event.communityId, data: event.data };
}

export function ownerEventSql(event: OwnerEvent): Prisma.Sql {
  const payload = ownerEventPayload(event);
  const id = payload.id;
  return Prisma.sql`INSERT INTO webhook_deliveries (community_id, endpoint_id, event_id, event_type, payload)
    SELECT e.community_id, e.id, ${id}::uuid, ${event.type}, ${JSON.stringify(payload)}::jsonb
      FROM webhook_endpoints e
     WHERE e.community_id = ${event.communityId}::uuid AND e.active AND (cardinality(e.events) = 0 OR ${event.type} = ANY(e.events))`;
}

export async function emitOwnerEvent(tx: SqlTx, event: OwnerEvent): Promise<void> {
  await tx.$executeRaw(ownerEventSql(event));
}

type Standing = { status: string; tier: string | null };

/**
 * The member event a change of standing is, if any. Tier moves are told up
 * from down by the tiers' monthly price.
 */
export async function memberEventFor(tx: SqlTx, before: Standing, after: Standing): Promise<{ type: OwnerEventType; extra: Record<string, unknown> } | null> {
  const had = FULL_ACCESS.includes(before.status) || before.status in LAPSE_STAGES;
  if (after.status === "paused" && before.status !== "paused") return { type: "member.paused", extra: {} };
  if (FULL_ACCESS.includes(after.status)) {
    if (before.status === "paused") return { type: "member.resumed", extra: {} };
    if (!had || before.status === "unpaid") return { type: "member.joined", extra: {} };
    if (before.tier && after.tier && before.tier !== after.tier) {
      const up = (await monthlyPrice(tx, after.tier)) >= (await monthlyPrice(tx, before.tier));
      return { type: up ? "member.upgraded" : "member.downgraded", extra: { from_tier: before.tier } };
    }
    return null;
  }
  if (after.status in LAPSE_STAGES && before.status !== after.status) return { type: "member.lapsed", extra: { stage: LAPSE_STAGES[after.status] } };
  // Removed for non-payment was its own event (lapsed, stage removed).
  if (FULL_ACCESS.includes(before.status) || ["past_due", "restricted", "paused"].includes(before.status))
    return { type: "member.cancelled", extra: { from_tier: before.tier, status: after.status } };
  return null;
}

async function monthlyPrice(tx: SqlTx, tierName: string): Promise<number> {
  const [tier] = await tx.$queryRaw<
    { price: string; interval: string }[]
  >`SELECT price::text AS price, interval FROM subscription_tiers WHERE name = ${tierName}`;
  if (!tier) return 0;
  return tier.interval === "yearly" ? Number(tier.price) / 12 : Number(tier.price);
}
