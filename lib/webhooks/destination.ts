// Where a webhook may be sent. An owner types the URL and our worker calls it,
// so it must not reach our own network (SSRF): https, and every address the
// name resolves to is a public unicast one. Development and the tests receive
// on loopback, so only production refuses private addresses (unless the
// operator sets WEBHOOKS_ALLOW_PRIVATE_URLS for receivers on their own network).
import { lookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";
import { z } from "zod";
import { serverEnv } from "../env";

const allowPrivate = () => serverEnv().stage !== "production" || serverEnv().WEBHOOKS_ALLOW_PRIVATE_URLS;

export const webhookUrlSchema = z
  .string()
  .trim()
  .max(500, "must be at most 500 characters")
  .pipe(z.url({ protocol: /^https?$/, error: "Enter the full URL, e.g. https://example.com/hooks/communityos" }))
  .refine((url) => url.startsWith("https://") || allowPrivate(), "must start with https://")
  .refine((url) => !URL.canParse(url) || (!new URL(url).username && !new URL(url).password), "must not contain a user name or password");

/** The problem with sending to this URL now, or null. Checked again at every attempt: DNS can change. */
export async function destinationProblem(url: string, privateAllowed = allowPrivate()): Promise<string | null> {
  if (privateAllowed) return null;
  const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
  let addresses: string[];
  try {
    addresses = ipaddr.isValid(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  } catch {
    return `the name ${host} does not resolve`;
  }
  const blocked = addresses.find((a) => {
    const parsed = ipaddr.process(a);
    return parsed.range() !== "unicast";
  });
  return blocked ? `${host} points to a private or reserved address (${blocked})` : null;
}
