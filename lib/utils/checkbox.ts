import { z } from "zod";

/**
 * A form checkbox: present as "on" (or "true") when ticked, absent when not.
 * Anything else is not something our forms send, so it is refused, not read as "off".
 */
export const checkbox = z
  .union([z.literal("on"), z.literal("true"), z.literal("false"), z.literal(""), z.boolean()], { error: "must be ticked or not" })
  .optional()
  .transform((v) => v === "on" || v === "true" || v === true);
