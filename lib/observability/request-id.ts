// Kept apart from the logger and the async context: the middleware (edge runtime) imports this.
export const REQUEST_ID_HEADER = "x-request-id";
/** A caller's id is kept if it looks like one (so a proxy's id carries through); anything else is replaced. */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;

export function requestIdFrom(headers: Headers): string {
  const given = headers.get(REQUEST_ID_HEADER);
  return given && REQUEST_ID_PATTERN.test(given) ? given : crypto.randomUUID();
}
