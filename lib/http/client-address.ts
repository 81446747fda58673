import ipaddr from "ipaddr.js";

/**
 * The client's address as our reverse proxy saw it: the last X-Forwarded-For
 * hop (a client can forge the first ones, not the one our proxy appends).
 * Without a proxy there is no header and all direct callers share one key.
 */
export function clientAddress(headers: Headers): string {
  const forwarded = headers
    .get("x-forwarded-for")
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return forwarded?.at(-1) ?? headers.get("x-real-ip") ?? "direct";
}

/**
 * An address with its host part zeroed (IPv4 /24, IPv6 /48): enough for rough
 * location and abuse patterns, not enough to single out a household. Null for
 * anything that is not an IP address.
 */
export function truncatedAddress(address: string): string | null {
  if (!ipaddr.isValid(address)) return null;
  const parsed = ipaddr.process(address); // an IPv4-mapped IPv6 address becomes IPv4
  return parsed.kind() === "ipv4"
    ? ipaddr.IPv4.networkAddressFromCIDR(`${parsed.toString()}/24`).toString()
    : ipaddr.IPv6.networkAddressFromCIDR(`${parsed.toString()}/48`).toString();
}
