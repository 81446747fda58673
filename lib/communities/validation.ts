import { z } from "zod";
import { slugSchema } from "./slug";
import { checkbox } from "../utils/checkbox";

const name = z.string().trim().min(2, "must be at least 2 characters").max(100, "must be at most 100 characters");
const description = z
  .string()
  .trim()
  .max(2000, "must be at most 2,000 characters")
  .transform((v) => (v === "" ? null : v));

export const createCommunitySchema = z.object({
  guildId: z.string().regex(/^\d{17,20}$/, "pick one of your Discord servers"),
  name,
  slug: slugSchema,
  description: description.optional().default(""),
});

export const COMMUNITY_STATUSES = ["active", "paused", "archived"] as const;

/** The typed part of communities.settings that owners edit. */
export const communitySettingsSchema = z.object({
  gracePeriodDays: z.coerce.number().int("must be a whole number").min(0, "must be 0 or more").max(30, "must be 30 or fewer"),
  showMemberCount: checkbox,
  supportUrl: z
    .string()
    .trim()
    .max(500)
    .refine((v) => v === "" || /^https:\/\/\S+$/.test(v), "must be an https:// link")
    .transform((v) => (v === "" ? null : v)),
});
export type CommunitySettings = z.infer<typeof communitySettingsSchema>;

export const DEFAULT_SETTINGS: CommunitySettings = { gracePeriodDays: 3, showMemberCount: true, supportUrl: null };

export const updateCommunitySchema = z
  .object({
    name,
    slug: slugSchema,
    description,
    status: z.enum(COMMUNITY_STATUSES, { message: "must be active, paused or archived" }),
  })
  .extend(communitySettingsSchema.shape);

/** Stored settings, read leniently: unknown or invalid keys fall back to defaults. */
export function readSettings(raw: unknown): CommunitySettings {
  const value = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {};
  const parsed = communitySettingsSchema.partial().safeParse({
    gracePeriodDays: value.gracePeriodDays,
    showMemberCount: value.showMemberCount === undefined ? undefined : value.showMemberCount === true,
    supportUrl: typeof value.supportUrl === "string" ? value.supportUrl : undefined,
  });
  return { ...DEFAULT_SETTINGS, ...(parsed.success ? Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined)) : {}) };
}
