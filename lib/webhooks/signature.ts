// The signature on every delivery, in Stripe's scheme so owners can reuse what
// they know: `CommunityOS-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "communityos-signature";

export const newSigningSecret = () => `whsec_${randomBytes(24).toString("base64url")}`;

export function signPayload(secret: string, body: string, at = new Date()): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${body}`).digest("hex")}`;
}

/** What an owner's receiver does (documented, and used by our tests' receiver). Tolerance in seconds. */
export function verifySignature(secret: string, body: string, header: string | null, now = new Date(), tolerance = 300): boolean {
  const parts = Object.fromEntries((header ?? "").split(",").map((p) => p.split("=", 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1 || Math.abs(now.getTime() / 1000 - t) > tolerance) return false;
  const expected = Buffer.from(createHmac("sha256", secret).update(`${t}.${body}`).digest("hex"));
  const given = Buffer.from(parts.v1);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
