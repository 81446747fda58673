// A failed payment's three stages, the same for the member's status, their
// Discord roles and the reminders: grace (the paid roles stay) until
// grace_period_ends_at, restricted (the paid roles off, the community's lapsed
// role on) until restricted_until, then removed. Each subscription carries its
// own dates, set when it first went past due, so a later change to the
// community's settings never moves a lapse already under way.

export type LapseStage = "grace" | "restricted" | "removed";

/** Subscription statuses of a payment that failed and may still be paid. */
export const LAPSING_STATUSES = ["past_due", "unpaid"];

export type LapseFacts = { status: string; gracePeriodEndsAt: Date | null; restrictedUntil: Date | null; currentPeriodEnd: Date };

export function lapseStage(sub: LapseFacts, now: Date): LapseStage | null {
  if (!LAPSING_STATUSES.includes(sub.status)) return null;
  const graceEnd = sub.gracePeriodEndsAt ?? sub.currentPeriodEnd;
  if (now < graceEnd) return "grace";
  if (sub.restrictedUntil && now < sub.restrictedUntil) return "restricted";
  return "removed";
}

/** When the stage the subscription is in ends (null once removed). */
export function stageEnds(sub: LapseFacts, now: Date): Date | null {
  const stage = lapseStage(sub, now);
  if (stage === "grace") return sub.gracePeriodEndsAt ?? sub.currentPeriodEnd;
  if (stage === "restricted") return sub.restrictedUntil;
  return null;
}

const DAY = 86_400_000;

/**
 * The lapse dates for a subscription Stripe reports past due or unpaid, from
 * the community's policy, kept once set. An unpaid subscription first seen
 * without a grace period (Stripe gave up before we saw it past due) starts
 * restricted: no paid roles, but a way to pay.
 */
export function lapseDates(
  status: string,
  existing: { gracePeriodEndsAt: Date | null; restrictedUntil: Date | null } | null,
  policy: { now: Date; gracePeriodDays: number; restrictedDays: number },
): { gracePeriodEndsAt: Date | null; restrictedUntil: Date | null } {
  if (!LAPSING_STATUSES.includes(status)) return { gracePeriodEndsAt: null, restrictedUntil: null };
  const gracePeriodEndsAt = existing?.gracePeriodEndsAt ?? new Date(policy.now.getTime() + (status === "past_due" ? policy.gracePeriodDays * DAY : 0));
  const restrictedUntil = existing?.restrictedUntil ?? new Date(gracePeriodEndsAt.getTime() + policy.restrictedDays * DAY);
  return { gracePeriodEndsAt, restrictedUntil };
}
