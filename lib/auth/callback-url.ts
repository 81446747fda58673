import { z } from "zod";

/** Only same-site paths: an absolute or protocol-relative URL would be an open redirect. */
export const callbackUrlSchema = z
  .string()
  .max(2000)
  .refine((v) => v.startsWith("/") && !v.startsWith("//") && !v.includes("\\"), "must be a path on this site");

export function safeCallbackUrl(value: unknown, fallback = "/dashboard"): string {
  const parsed = callbackUrlSchema.safeParse(value);
  return parsed.success ? parsed.data : fallback;
}
