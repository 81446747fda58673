// What a member's subscriptions add up to: the status, tier and expiry written
// on community_members. Derived from all of the member's rows every time, never
// patched by a single event, so the result is the same whatever order the
// events came in.

import { lapseStage } from "./lapse";

export type SubscriptionFacts = {
  status: string;
  tierName: string;
  currentPeriodEnd: Date;
  gracePeriodEndsAt: Date | null;
  restrictedUntil: Date | null;
  canceledAt: Date | null;
  /** When a paused subscription's collection resumes (null: when someone resumes it). */
  resumesAt?: Date | null;
};

export type Standing = { status: string; tier: string | null; expiresAt: Date | null };

/** Access that is not a subscription, as it stands now (not revoked, its payment not refunded): a comp or a pass. */
export type GrantFacts = { tierName: string; until: Date | null; kind: "comp" | "pass" };

/**
 * Member statuses that give access to the paid roles (past_due only within its
 * grace period) and so hold a seat against a tier's member cap.
 */
export const ACCESS_GIVING = ["active", "trialing", "past_due", "comp", "pass"] as const;
/** A paused member keeps their seat: they come back to the tier they left. */
export const SEAT_HOLDING: string[] = [...ACCESS_GIVING, "paused"];

/** Access in good standing: everything access-giving but a failed payment's grace. */
export const FULL_ACCESS: string[] = ACCESS_GIVING.filter((s) => s !== "past_due");

/** A failed payment's stages, by the member status each one is. */
export const LAPSE_STAGES: Record<string, "grace" | "restricted" | "removed"> = { past_due: "grace", restricted: "restricted", unpaid: "removed" };

/**
 * Subscription statuses Stripe may still charge or revive. A member holds at
 * most one such subscription per community: a second tier is a switch, not a
 * second checkout.
 */
export const LIVE_SUBSCRIPTION: string[] = ["trialing", "active", "past_due", "unpaid", "paused", "incomplete"];

export function isLive(status: string): boolean {
  return LIVE_SUBSCRIPTION.includes(status);
}

const RANK: Record<string, number> = { active: 6, trialing: 5, past_due: 4, unpaid: 3, paused: 3, incomplete: 2, canceled: 1, incomplete_expired: 0 };

function best(subscriptions: SubscriptionFacts[]): SubscriptionFacts | undefined {
  return [...subscriptions].sort((a, b) => (RANK[b.status] ?? 0) - (RANK[a.status] ?? 0) || b.currentPeriodEnd.getTime() - a.currentPeriodEnd.getTime())[0];
}

/** The grant that lasts longest (for good beats any date; a pass beats a comp of the same length). */
function longest(grants: GrantFacts[]): GrantFacts | undefined {
  return [...grants].sort((a, b) => (b.until?.getTime() ?? Infinity) - (a.until?.getTime() ?? Infinity) || (a.kind === "pass" ? -1 : 1))[0];
}

/**
 * The member's standing from all they hold: a subscription that is up to date
 * wins; else a pass they bought or a comp the owner gave; else what their
 * subscriptions say (past due, restricted, canceled...). One rule for every
 * kind of purchase, so roles, the portal and the dashboard agree.
 */
export function memberStanding(subscriptions: SubscriptionFacts[], facts: { openDisputes: number; now: Date; grants?: GrantFacts[] }): Standing {
  const standing = standingFromHoldings(subscriptions, facts);
  // A disputed payment suspends access until the dispute is settled.
  if (facts.openDisputes > 0 && (ACCESS_GIVING as readonly string[]).includes(standing.status)) return { ...standing, status: "suspended" };
  return standing;
}

function standingFromHoldings(subscriptions: SubscriptionFacts[], facts: { now: Date; grants?: GrantFacts[] }): Standing {
  const top = best(subscriptions);
  const grant = longest((facts.grants ?? []).filter((g) => g.until === null || g.until > facts.now));
  const paidUpToDate = top && (top.status === "active" || top.status === "trialing");
  if (grant && !paidUpToDate) return { status: grant.kind, tier: grant.tierName, expiresAt: grant.until };
  if (!top) return { status: "none", tier: null, expiresAt: null };
  switch (top.status) {
    case "active":
    case "trialing":
      return { status: top.status, tier: top.tierName, expiresAt: top.currentPeriodEnd };
    case "past_due":
    case "unpaid": {
      // A failed payment keeps access for the grace period, then restricts it (lapsed role only), then ends it.
      const stage = lapseStage(top, facts.now);
      const graceEnd = top.gracePeriodEndsAt ?? top.currentPeriodEnd;
      if (stage === "grace") return { status: "past_due", tier: top.tierName, expiresAt: graceEnd };
      if (stage === "restricted") return { status: "restricted", tier: top.tierName, expiresAt: top.restrictedUntil };
      return { status: "unpaid", tier: top.tierName, expiresAt: top.restrictedUntil ?? graceEnd };
    }
    case "paused":
      return { status: "paused", tier: top.tierName, expiresAt: top.resumesAt ?? null };
    case "canceled":
    case "incomplete_expired":
      return { status: "canceled", tier: top.tierName, expiresAt: top.canceledAt ?? top.currentPeriodEnd };
    default:
      return { status: top.status, tier: top.tierName, expiresAt: null };
  }
}

export function givesAccess(status: string): boolean {
  return (ACCESS_GIVING as readonly string[]).includes(status);
}
