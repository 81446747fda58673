// The wrapper every route handler is exported through: the request id from the
// middleware (or a new one) on every log line and on the response, and an
// unexpected error turned into a plain 500 that is logged, never a stack trace.
import { unstable_rethrow } from "next/navigation";
import { log } from "../observability/log";
import { requestIdFrom, withRequestId } from "../observability/request-context";
import { REQUEST_ID_HEADER } from "../observability/request-id";

type Handler<C> = (request: Request, context: C) => Promise<Response>;

export function route<C>(handler: Handler<C>): Handler<C> {
  return (request, context) => {
    const requestId = requestIdFrom(request.headers);
    return withRequestId(requestId, async () => {
      let response: Response;
      try {
        response = await handler(request, context);
      } catch (error) {
        // Next's own control flow (redirect(), notFound()) is not a failure.
        unstable_rethrow(error);
        log.error({ err: error, method: request.method, path: new URL(request.url).pathname }, "route handler failed");
        response = Response.json({ error: "Something went wrong on our side. Please try again." }, { status: 500 });
      }
      // Some responses (redirects from Auth.js) have immutable headers.
      try {
        response.headers.set(REQUEST_ID_HEADER, requestId);
      } catch {
        /* the middleware already set it on the way out */
      }
      return response;
    });
  };
}
