import { z } from "zod";
import { slugSchema } from "./slug";
import { checkbox } from "../utils/checkbox";

const name = z.string().trim().min(2, "must be at least 2 characters").max(100, "must be at most 100 characters");
const description = z
  .string()
  .trim()
  .max(2000, "must be at most 2,000 characters")
  .transform((v) => (v === "" ? null : v));

/** Empty is left out: the server's name, and an address made from it (a server picked before the page's script ran fills neither). */
const orFromServer = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), schema.optional());

export const createCommunitySchema = z.object({
  guildId: z.string().regex(/^\d{17,20}$/, "pick one of your Discord servers"),
  name: orFromServer(name),
  slug: orFromServer(slugSchema),
  description: description.optional().default(""),
});

/** A whole number typed into a form field, within bounds. */
export const wholeNumber = (min: number, max: number) =>
  z.coerce.number().int("must be a whole number").min(min, `must be ${min} or more`).max(max, `must be ${max} or fewer`);

export const RECEIPT_SENDERS = ["communityos", "stripe"] as const;
/** Stripe Tax: off, added on top of the tier's price, or included in it. */
export const TAX_MODES = ["off", "exclusive", "inclusive"] as const;

export const COMMUNITY_STATUSES = ["active", "paused", "archived"] as const;

/** The typed part of communities.settings that owners edit. */
export const communitySettingsSchema = z.object({
  gracePeriodDays: wholeNumber(0, 30),
  /** After the grace period: days with the lapsed role only (0: access ends with the grace period). */
  restrictedDays: wholeNumber(0, 60),
  /** Hours between payment reminders while a payment is failing. */
  dunningIntervalHours: wholeNumber(12, 168),
  /** Who sends payment receipts: CommunityOS, or Stripe (its own receipt e-mails, turned on in the Stripe dashboard). */
  receipts: z.enum(RECEIPT_SENDERS, { message: "choose who sends receipts" }),
  /** Days after a membership ends to send one win-back e-mail (0: never). */
  winbackDays: wholeNumber(0, 90),
  /** Offered in the portal to a member about to cancel, once per member: this percent off (0: no offer)... */
  saveOfferPercent: wholeNumber(0, 90),
  /** ...for this many monthly invoices. */
  saveOfferMonths: wholeNumber(1, 12),
  /** Offered in the portal to a member about to cancel: pause for up to this many months instead (0: not offered). */
  pauseMonths: wholeNumber(0, 3),
  taxMode: z.enum(TAX_MODES, { message: "choose how taxes apply" }),
  showMemberCount: checkbox,
  supportUrl: z
    .string()
    .trim()
    .max(500)
    .refine((v) => v === "" || /^https:\/\/\S+$/.test(v), "must be an https:// link")
    .transform((v) => (v === "" ? null : v)),
});
export type CommunitySettings = z.infer<typeof communitySettingsSchema>;

export const DEFAULT_SETTINGS: CommunitySettings = {
  gracePeriodDays: 3,
  restrictedDays: 0,
  dunningIntervalHours: 48,
  receipts: "communityos",
  winbackDays: 0,
  saveOfferPercent: 0,
  saveOfferMonths: 3,
  pauseMonths: 0,
  taxMode: "off",
  showMemberCount: true,
  supportUrl: null,
};

export const updateCommunitySchema = z
  .object({
    name,
    slug: slugSchema,
    description,
    status: z.enum(COMMUNITY_STATUSES, { message: "must be active, paused or archived" }),
  })
  .extend(communitySettingsSchema.shape);

// Built once: zod compiles a schema on its first parse, and settings are read on every webhook and page.
const storedSettingsSchema = communitySettingsSchema.partial();

/** Stored settings, read leniently: unknown or invalid keys fall back to defaults. */
export function readSettings(raw: unknown): CommunitySettings {
  const value = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {};
  const parsed = storedSettingsSchema.safeParse({
    gracePeriodDays: value.gracePeriodDays,
    restrictedDays: value.restrictedDays,
    dunningIntervalHours: value.dunningIntervalHours,
    receipts: value.receipts,
    winbackDays: value.winbackDays,
    saveOfferPercent: value.saveOfferPercent,
    saveOfferMonths: value.saveOfferMonths,
    pauseMonths: value.pauseMonths,
    taxMode: value.taxMode,
    showMemberCount: value.showMemberCount === undefined ? undefined : value.showMemberCount === true,
    supportUrl: typeof value.supportUrl === "string" ? value.supportUrl : undefined,
  });
  return { ...DEFAULT_SETTINGS, ...(parsed.success ? Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined)) : {}) };
}
