// The request a log line belongs to, carried through async calls so that
// domain code logs with the request id without passing it around.
import { AsyncLocalStorage } from "node:async_hooks";
export { requestIdFrom } from "./request-id";

type RequestContext = { requestId: string };
const globalForContext = globalThis as unknown as { communityosRequestContext?: AsyncLocalStorage<RequestContext> };
// One store per process: Next bundles route handlers and pages as separate module graphs.
export const requestContext = (globalForContext.communityosRequestContext ??= new AsyncLocalStorage<RequestContext>());

export function withRequestId<T>(requestId: string, fn: () => T): T {
  return requestContext.run({ requestId }, fn);
}
