import type { TenantTx } from "../db/scopes";
import { SEAT_HOLDING } from "./member-standing";

/** Members holding a seat of the tier now (paying, trialing, or past due within grace). */
export function seatsTaken(tx: TenantTx, tierName: string): Promise<number> {
  return tx.communityMember.count({ where: { subscriptionTier: tierName, subscriptionStatus: { in: SEAT_HOLDING } } });
}

/** The one seat rule, for checkout and for switching tier alike: a tier at its cap takes nobody new. */
export async function hasFreeSeat(tx: TenantTx, tier: { name: string; maxMembers: number | null }): Promise<boolean> {
  return tier.maxMembers === null || (await seatsTaken(tx, tier.name)) < tier.maxMembers;
}
