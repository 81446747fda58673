import { headers, cookies } from "next/headers";
import { clientAddress, truncatedAddress } from "../http/client-address";
import { withCommunity } from "../db/scopes";
import { log } from "../observability/log";

export const VISITOR_COOKIE = "cos_vid";

/**
 * Records a view of a community's public page, server-side in the community's
 * scope: the visitor's session id (a random cookie), their network address
 * truncated to its /24 (IPv6 /48) as our proxy saw it, and the user agent.
 * Owners see counts, never these details. A failure here never breaks the page.
 */
export async function recordPageView(communityId: string, path: string, userId: string | null): Promise<void> {
  try {
    const [h, c] = await Promise.all([headers(), cookies()]);
    const ip = truncatedAddress(clientAddress(h));
    const sessionId = c.get(VISITOR_COOKIE)?.value;
    await withCommunity(communityId, (tx) =>
      tx.analyticsEvent.create({
        data: {
          communityId,
          eventType: "page",
          eventName: "community_page_viewed",
          userId,
          sessionId: sessionId && /^[\w-]{8,64}$/.test(sessionId) ? sessionId : null,
          ipAddress: ip,
          userAgent: h.get("user-agent")?.slice(0, 500) ?? null,
          properties: { path },
        },
        select: { id: true },
      }),
    );
  } catch (error) {
    log.warn({ err: error }, "page view not recorded");
  }
}
