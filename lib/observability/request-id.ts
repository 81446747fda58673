// Kept apart from the logger: the middleware imports this, and must not pull pino in.
export const REQUEST_ID_HEADER = "x-request-id";
/** A caller's id is kept if it looks like one (so a proxy's id carries through); anything else is replaced. */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;
