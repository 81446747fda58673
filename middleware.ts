import { NextResponse, type NextRequest } from "next/server";
import { REQUEST_ID_HEADER, requestIdFrom } from "./lib/observability/request-id";

// Auth.js session cookies (http and https names). Presence only gets you past
// the gate; every page and action still checks the session on the server.
const SESSION_COOKIES = ["authjs.session-token", "__Secure-authjs.session-token"];
const GATED = ["/dashboard", "/portal", "/admin"];
// A random visitor id for page-view analytics (no personal data; a year).
const VISITOR_COOKIE = "cos_vid";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** A browser's write to our API from another site (CSRF). Server actions get the same check from Next itself. */
function crossSiteWrite(request: NextRequest): boolean {
  const path = request.nextUrl.pathname;
  if (SAFE_METHODS.has(request.method) || !path.startsWith("/api/")) return false;
  // The REST API authenticates by bearer key, never by cookie: nothing to forge.
  if (path.startsWith("/api/v1/")) return false;
  if (request.headers.get("sec-fetch-site") === "cross-site") return true;
  const origin = request.headers.get("origin");
  if (!origin) return false;
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  try {
    return new URL(origin).host !== host;
  } catch {
    return true;
  }
}

export function middleware(request: NextRequest) {
  // Every request gets an id (a proxy's, if it sent a sane one): logs and the response carry it.
  const requestId = requestIdFrom(request.headers);
  request.headers.set(REQUEST_ID_HEADER, requestId);
  const tag = <R extends NextResponse>(response: R) => {
    response.headers.set(REQUEST_ID_HEADER, requestId);
    return response;
  };
  const path = request.nextUrl.pathname;

  if (crossSiteWrite(request)) {
    return tag(NextResponse.json({ error: "Cross-site requests are not allowed." }, { status: 403 }));
  }
  if (path.startsWith("/c/") && !request.cookies.has(VISITOR_COOKIE)) {
    const id = crypto.randomUUID();
    // The page of this very request sees the id too, not only the next one.
    request.cookies.set(VISITOR_COOKIE, id);
    const response = NextResponse.next({ request: { headers: request.headers } });
    response.cookies.set(VISITOR_COOKIE, id, { httpOnly: true, sameSite: "lax", maxAge: 365 * 86_400, path: "/" });
    return tag(response);
  }
  if (GATED.some((prefix) => path === prefix || path.startsWith(`${prefix}/`)) && !SESSION_COOKIES.some((name) => request.cookies.has(name))) {
    const signIn = new URL("/signin", request.url);
    signIn.searchParams.set("callbackUrl", request.nextUrl.pathname + request.nextUrl.search);
    return tag(NextResponse.redirect(signIn));
  }
  return tag(NextResponse.next({ request: { headers: request.headers } }));
}

// Everything but Next's static assets and the machine endpoints: Stripe and
// Discord are not browsers (their signatures authenticate them, so no
// cross-site check applies), their route wrapper gives them a request id, and the
// middleware's sandbox would cost every webhook of a burst a few milliseconds.
export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|api/webhooks/|api/discord/interactions|.*\\.(?:png|svg|ico|jpg|jpeg|webp|woff2?)$).*)"],
};
