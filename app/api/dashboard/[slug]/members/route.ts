import { z } from "zod";
import { communityOfRoute } from "@/lib/communities/owner-route";
import { withCommunity } from "@/lib/db/scopes";
import { countMembers, membersQuerySchema, membersTablePage } from "@/lib/members/query";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** One page of the members table (JSON), for the dashboard's client-side table. */
export const GET = route(async (request: Request, { params }: { params: Promise<{ slug: string }> }) => {
  const gate = await communityOfRoute((await params).slug);
  if ("response" in gate) return gate.response;
  const parsed = membersQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) return Response.json({ error: "Invalid filters.", fieldErrors: z.flattenError(parsed.error).fieldErrors }, { status: 400 });
  const query = parsed.data;
  const { page, total } = await withCommunity(gate.community.id, async (tx) => ({
    page: await membersTablePage(tx, query),
    // Counting is for the first page only; later pages keep the number they were given.
    total: query.cursor ? null : await countMembers(tx, query),
  }));
  return Response.json({ ...page, total }, { headers: { "cache-control": "no-store" } });
});
