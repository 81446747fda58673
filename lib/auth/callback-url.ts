// Where to send someone after sign-in: only ever a page of this site. Browsers
// strip tabs and newlines from URLs and read "\" as "/", so "/\t/evil.example"
// or "/\evil.example" would leave the site though they start with one slash.
// The target is resolved the way a browser would, against our own origin, and
// kept only if it is still on it.

// A stand-in origin: what matters is that the target resolves onto it.
const SELF = "https://communityos.invalid";
const UNSAFE = /[\u0000-\u001f\u007f\\]/;

export function safeCallbackUrl(value: unknown, fallback = "/dashboard"): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 2000) return fallback;
  if (UNSAFE.test(value) || !value.startsWith("/") || value.startsWith("//")) return fallback;
  let target: URL;
  try {
    target = new URL(value, SELF);
  } catch {
    return fallback;
  }
  if (target.origin !== SELF) return fallback;
  return `${target.pathname}${target.search}${target.hash}`;
}
