// The community's referral program: a member's link earns them a percent of the
// payments of the buyers who join through it, for some months. Kept in the
// community's settings; 0 percent is off. The owner pays referrers outside
// CommunityOS (the Promotions tab says what is owed): no money moves here.
import { z } from "zod";
import { wholeNumber } from "../communities/validation";

export type ReferralProgram = { percent: number; months: number };

/** The owner's form: 0 percent turns the program off. */
export const referralProgramSchema = z.object({ percent: wholeNumber(0, 50), months: wholeNumber(1, 24) });

const stored = z.object({ percent: z.number().int().min(1).max(50), months: z.number().int().min(1).max(24) });

/** The program in force, or null when it is off (or unreadable). */
export function readReferralProgram(settings: unknown): ReferralProgram | null {
  const raw = typeof settings === "object" && settings !== null ? (settings as Record<string, unknown>).referrals : undefined;
  if (raw === undefined || raw === null) return null;
  const parsed = stored.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/** A share code as the link carries it (the database makes 16 hex characters). */
export const referralCodeSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[0-9a-f]{16}$/);

/** The member's share link. */
export const referralLink = (origin: string, slug: string, code: string) => `${origin}/c/${slug}?ref=${code}`;
