import { memberOfRoute } from "@/lib/communities/owner-route";
import { withCommunity } from "@/lib/db/scopes";
import { memberDetail } from "@/lib/members/query";
import { route } from "@/lib/http/route";
import { communityRoleNames } from "@/lib/discord/guild-catalog";

export const dynamic = "force-dynamic";

export const GET = route(async (_request: Request, { params }: { params: Promise<{ slug: string; memberId: string }> }) => {
  const { slug, memberId } = await params;
  const gate = await memberOfRoute(slug, memberId);
  if ("response" in gate) return gate.response;
  const detail = await withCommunity(gate.community.id, (tx) => memberDetail(tx, gate.memberId));
  if (!detail) return Response.json({ error: "No such member in this community." }, { status: 404 });
  // Roles by name, as the server has them now; ids alone when Discord can't be asked.
  const roleNames = await communityRoleNames(gate.community.id).catch(() => ({}));
  return Response.json({ ...detail, roleNames }, { headers: { "cache-control": "no-store" } });
});
