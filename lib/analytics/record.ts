import type { Prisma } from "../generated/prisma/client";
import type { TenantTx } from "../db/scopes";

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

/**
 * A billing state change as an analytics event, written in the change's
 * transaction; `alsoAs` records the same change under more names in one statement.
 */
export async function recordBillingEvent(
  tx: TenantTx,
  event: { communityId: string; name: BillingEventName; at: Date; userId?: string | null; discordUserId?: string | null; properties: Prisma.InputJsonObject },
  alsoAs: BillingEventName[] = [],
): Promise<void> {
  const row = {
    communityId: event.communityId,
    eventType: "billing",
    userId: event.userId ?? null,
    discordUserId: event.discordUserId ?? null,
    properties: event.properties,
    timestamp: event.at,
  };
  await tx.analyticsEvent.createMany({ data: [event.name, ...alsoAs].map((eventName) => ({ ...row, eventName })) });
}
