import { getSessionUser } from "@/lib/auth/session";
import { membershipStatus } from "@/lib/billing/checkout";
import { communityGuildBySlug } from "@/lib/communities/public-profile";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** The signed-in user's membership state in one community, for the welcome page to poll. Read-only. */
export const GET = route(async (_request: Request, { params }: { params: Promise<{ slug: string }> }) => {
  const user = await getSessionUser();
  if (!user) return Response.json({ error: "Please sign in." }, { status: 401 });
  const community = await communityGuildBySlug((await params).slug);
  if (!community) return Response.json({ error: "No such community." }, { status: 404 });
  const status = await membershipStatus(community.id, user.id);
  return Response.json({ ...status, guildId: community.discordGuildId }, { headers: { "cache-control": "no-store" } });
});
