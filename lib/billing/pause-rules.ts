// What may be paused, and for how long: the rules the member's portal, the owner's
// drawer and their actions share (./pause.ts asks Stripe).
import { readSettings } from "../communities/validation";

export const PAUSE_ERRORS = {
  notOffered: "This community doesn't offer pausing.",
  tooLong: "That's longer than this community lets members pause.",
  monthlyOnly: "Only a monthly membership can be paused.",
  notActive: "Only a membership that is paid up can be paused.",
  ending: "Your membership is set to end. Resume it first if you'd rather pause.",
  notPaused: "This membership isn't paused.",
} as const;

/** The owner's words for the same refusals (the member drawer). */
export const OWNER_PAUSE_ERRORS = {
  notFound: "No such subscription in this community.",
  monthlyOnly: PAUSE_ERRORS.monthlyOnly,
  notActive: PAUSE_ERRORS.notActive,
  ending: "This membership is set to end: it can't be paused.",
  notPaused: PAUSE_ERRORS.notPaused,
} as const;

export type PauseOffer = { maxMonths: number };

/** How long the community lets a member pause, if it does. */
export function pauseOfferOf(settings: unknown): PauseOffer | null {
  const { pauseMonths } = readSettings(settings);
  return pauseMonths > 0 ? { maxMonths: pauseMonths } : null;
}

/** Whether a subscription may be paused now: monthly, paid up, not ending, not paused already. */
export function pausable(sub: {
  status: string;
  cancelAtPeriodEnd: boolean;
  interval: string | null | undefined;
}): "monthlyOnly" | "notActive" | "ending" | null {
  // A yearly member would lose paid months: no invoice falls inside a short pause to void.
  if (sub.interval !== "monthly") return "monthlyOnly";
  if (sub.status !== "active") return "notActive";
  if (sub.cancelAtPeriodEnd) return "ending";
  return null;
}
