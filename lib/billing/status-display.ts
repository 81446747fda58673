// How a membership's or payment's status reads to people: one label and one
// badge tone per status, for the portal and the owner's tables alike.
// (No server imports: client components use it too.)

export type Tone = "success" | "warning" | "danger" | "neutral";

/** Every status a member can have (lib/billing/member-standing.ts decides which). */
export const MEMBER_STATUSES = [
  "none",
  "active",
  "trialing",
  "pass",
  "comp",
  "past_due",
  "restricted",
  "unpaid",
  "suspended",
  "canceled",
  "incomplete",
  "paused",
] as const;

const MEMBER: Record<string, { label: string; tone: Tone }> = {
  active: { label: "active", tone: "success" },
  trialing: { label: "trial", tone: "success" },
  comp: { label: "free access", tone: "success" },
  pass: { label: "pass", tone: "success" },
  past_due: { label: "past due", tone: "warning" },
  restricted: { label: "restricted: payment needed", tone: "danger" },
  unpaid: { label: "unpaid", tone: "danger" },
  suspended: { label: "suspended", tone: "danger" },
  paused: { label: "paused", tone: "warning" },
  incomplete: { label: "awaiting payment", tone: "warning" },
  canceled: { label: "canceled", tone: "neutral" },
  none: { label: "free", tone: "neutral" },
};

const PAYMENT: Record<string, { label: string; tone: Tone }> = {
  succeeded: { label: "succeeded", tone: "success" },
  partially_refunded: { label: "partially refunded", tone: "warning" },
  refunded: { label: "refunded", tone: "neutral" },
  failed: { label: "failed", tone: "danger" },
  disputed: { label: "⚠ disputed", tone: "danger" },
  dispute_lost: { label: "dispute lost", tone: "danger" },
};

const fallback = (status: string) => ({ label: status.replaceAll("_", " "), tone: "neutral" as Tone });

/** A member's (or subscription's) status as a badge. */
export function memberStatus(status: string): { label: string; tone: Tone } {
  return MEMBER[status] ?? fallback(status);
}

export function paymentStatus(status: string): { label: string; tone: Tone } {
  return PAYMENT[status] ?? fallback(status);
}

const COMMUNITY: Record<string, { label: string; tone: Tone }> = {
  active: { label: "active", tone: "success" },
  paused: { label: "paused", tone: "warning" },
  archived: { label: "archived", tone: "neutral" },
};

const DELIVERY: Record<string, { label: string; tone: Tone }> = {
  succeeded: { label: "succeeded", tone: "success" },
  pending: { label: "pending", tone: "warning" },
  failed: { label: "failed", tone: "danger" },
};

/** A community's own status (settings), as a badge. */
export function communityStatus(status: string): { label: string; tone: Tone } {
  return COMMUNITY[status] ?? fallback(status);
}

/** An owner webhook delivery's status, as a badge. */
export function deliveryStatus(status: string): { label: string; tone: Tone } {
  return DELIVERY[status] ?? fallback(status);
}
