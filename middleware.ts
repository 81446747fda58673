import { NextResponse, type NextRequest } from "next/server";

// Auth.js session cookies (http and https names). Presence only gets you past
// the gate; every page and action still checks the session on the server.
const SESSION_COOKIES = ["authjs.session-token", "__Secure-authjs.session-token"];
// A random visitor id for page-view analytics (no personal data; a year).
const VISITOR_COOKIE = "cos_vid";

export function middleware(request: NextRequest) {
  if (request.nextUrl.pathname.startsWith("/c/")) {
    if (request.cookies.has(VISITOR_COOKIE)) return NextResponse.next();
    const id = crypto.randomUUID();
    // The page of this very request sees the id too, not only the next one.
    request.cookies.set(VISITOR_COOKIE, id);
    const response = NextResponse.next({ request: { headers: request.headers } });
    response.cookies.set(VISITOR_COOKIE, id, { httpOnly: true, sameSite: "lax", maxAge: 365 * 86_400, path: "/" });
    return response;
  }
  if (SESSION_COOKIES.some((name) => request.cookies.has(name))) return NextResponse.next();
  const signIn = new URL("/signin", request.url);
  signIn.searchParams.set("callbackUrl", request.nextUrl.pathname + request.nextUrl.search);
  return NextResponse.redirect(signIn);
}

export const config = { matcher: ["/dashboard/:path*", "/portal/:path*", "/admin/:path*", "/c/:path*"] };
