import { headers } from "next/headers";

/** The app's public origin: AUTH_URL (required in production), else this request's host in development. */
export async function appOrigin(): Promise<string> {
  const canonical = process.env.AUTH_URL;
  if (canonical) return new URL(canonical).origin;
  const h = await headers();
  return `${h.get("x-forwarded-proto") ?? "http"}://${h.get("host")}`;
}
