import type { Prisma } from "../generated/prisma/client";
import type { TenantTx } from "../db/scopes";

export const BILLING_EVENTS = [
  "subscription_started",
  "subscription_renewed",
  "subscription_canceled",
  "payment_succeeded",
  "payment_failed",
  "payment_refunded",
  "payment_disputed",
] as const;
export type BillingEventName = (typeof BILLING_EVENTS)[number];

/** A billing state change as an analytics event, written in the change's transaction. */
export async function recordBillingEvent(
  tx: TenantTx,
  event: { communityId: string; name: BillingEventName; at: Date; userId?: string | null; discordUserId?: string | null; properties: Prisma.InputJsonObject },
): Promise<void> {
  await tx.analyticsEvent.create({
    data: {
      communityId: event.communityId,
      eventType: "billing",
      eventName: event.name,
      userId: event.userId ?? null,
      discordUserId: event.discordUserId ?? null,
      properties: event.properties,
      timestamp: event.at,
    },
    select: { id: true },
  });
}
