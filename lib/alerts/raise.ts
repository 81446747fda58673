import type { TenantTx } from "../db/scopes";

export type AlertInput = {
  kind: "dispute_opened" | "tier_over_capacity" | "payment_failed" | "duplicate_subscription" | "stripe_event_stuck";
  severity: "info" | "warning" | "critical";
  title: string;
  detail?: string;
  /** One alert per subject: raising it again (a replayed event) changes nothing. */
  dedupeKey: string;
};

/** Something the owner must look at, shown on the community's dashboard until resolved. */
export async function raiseAlert(tx: TenantTx, communityId: string, alert: AlertInput): Promise<void> {
  await tx.communityAlert.createMany({ data: [{ communityId, ...alert }], skipDuplicates: true });
}

export async function resolveAlert(tx: TenantTx, communityId: string, dedupeKey: string, at: Date): Promise<void> {
  await tx.communityAlert.updateMany({ where: { communityId, dedupeKey, resolvedAt: null }, data: { resolvedAt: at } });
}
