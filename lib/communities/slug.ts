import { z } from "zod";

export const slugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(3, "must be at least 3 characters")
  .max(100, "must be at most 100 characters")
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "may use lower-case letters, digits and single hyphens");

/** A page address made from a name ("Carol's Workshop" → "carol-s-workshop"); it may still fail slugSchema (too short). */
export function slugFrom(name: string): string {
  return (
    name
      .toLowerCase()
      .normalize("NFKD")
      // Accents come apart as combining marks: dropped, "crème" is "creme", not "cre-me".
      .replace(/\p{M}/gu, "")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 100)
  );
}
