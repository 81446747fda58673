// The ledger of Stripe events (stripe_events): one row per event id, claimed in
// the transaction of the event's effects, so a re-delivery finds it and does nothing.
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
