import { memberOfRoute } from "@/lib/communities/owner-route";
import { exportMemberData } from "@/lib/gdpr/export";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** What this community holds about one member (a data subject request the owner answers), as JSON. */
export const GET = route(async (_request: Request, { params }: { params: Promise<{ slug: string; memberId: string }> }) => {
  const { slug, memberId } = await params;
  const gate = await memberOfRoute(slug, memberId, "moderate");
  if ("response" in gate) return gate.response;
  const data = await exportMemberData(gate.community.id, gate.memberId);
  if (!data) return Response.json({ error: "No such member in this community." }, { status: 404 });
  return new Response(JSON.stringify(data, null, 2), {
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="${slug}-member-${gate.memberId.slice(0, 8)}.json"`,
      "cache-control": "no-store",
    },
  });
});
