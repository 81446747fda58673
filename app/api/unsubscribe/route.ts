import { route } from "@/lib/http/route";
import { unsubscribeMember, unsubscribeParams } from "@/lib/members/unsubscribe";

/**
 * One-click unsubscribe (RFC 8058: mail clients POST here from the
 * List-Unsubscribe header) and the button on /unsubscribe.
 */
export const POST = route(async (request) => {
  const url = new URL(request.url);
  const parsed = unsubscribeParams.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) return Response.json({ error: "This unsubscribe link is incomplete or damaged." }, { status: 400 });
  if (!(await unsubscribeMember(parsed.data))) return Response.json({ error: "This unsubscribe link is not valid." }, { status: 404 });
  // A browser (the page's button) goes back to the page; a mail client gets a plain answer.
  const fromPage =
    (request.headers.get("content-type") ?? "").includes("application/x-www-form-urlencoded") && (await request.formData()).get("from") === "page";
  if (fromPage) return Response.redirect(new URL(`/unsubscribe?${url.searchParams}&done=1`, url.origin), 303);
  return new Response(null, { status: 204 });
});
