import { z } from "zod";
import { communityOfRoute } from "@/lib/communities/owner-route";
import { membersCsvStream } from "@/lib/members/csv";
import { membersQuerySchema } from "@/lib/members/query";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** The filtered member list as a CSV download, streamed (lib/members/csv.ts). */
export const GET = route(async (request: Request, { params }: { params: Promise<{ slug: string }> }) => {
  const gate = await communityOfRoute((await params).slug, "moderate");
  if ("response" in gate) return gate.response;
  const parsed = membersQuerySchema.safeParse({ ...Object.fromEntries(new URL(request.url).searchParams), cursor: undefined });
  if (!parsed.success) return Response.json({ error: "Invalid filters.", fieldErrors: z.flattenError(parsed.error).fieldErrors }, { status: 400 });
  const { community } = gate;
  const date = new Date().toISOString().slice(0, 10);
  return new Response(membersCsvStream(community.id, parsed.data), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${community.slug}-members-${date}.csv"`,
      "cache-control": "no-store",
    },
  });
});
