import { createHmac, timingSafeEqual } from "node:crypto";
import { serverEnv } from "../env";

/** The app's public origin for links in messages sent outside a request (jobs). */
export function publicOrigin(): string {
  const env = serverEnv();
  return env.AUTH_URL ? new URL(env.AUTH_URL).origin : `http://localhost:${process.env.PORT ?? "3000"}`;
}

export const portalUrl = () => `${publicOrigin()}/portal`;
export const communityUrl = (slug: string) => `${publicOrigin()}/c/${slug}`;
export const discordServerUrl = (guildId: string) => `https://discord.com/channels/${guildId}`;

// Unsubscribe links carry the member and an HMAC of it (keyed by AUTH_SECRET):
// anyone holding the mail may unsubscribe that member, nobody can guess another's.
function unsubscribeKey(): string {
  const secret = serverEnv().AUTH_SECRET;
  if (!secret) throw new Error("AUTH_SECRET is needed to sign unsubscribe links");
  return secret;
}

function signature(communityId: string, memberId: string): string {
  return createHmac("sha256", unsubscribeKey()).update(`unsubscribe:${communityId}:${memberId}`).digest("base64url");
}

export function unsubscribeUrl(communityId: string, memberId: string): string {
  const query = new URLSearchParams({ c: communityId, m: memberId, s: signature(communityId, memberId) });
  return `${publicOrigin()}/unsubscribe?${query}`;
}

export function verifyUnsubscribe(communityId: string, memberId: string, given: string): boolean {
  const expected = Buffer.from(signature(communityId, memberId));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
