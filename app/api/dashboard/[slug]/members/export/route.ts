import { stringify } from "csv-stringify/sync";
import { z } from "zod";
import { ownerOfRoute } from "@/lib/communities/owner-route";
import { withCommunity } from "@/lib/db/scopes";
import { listMembers, membersQuerySchema } from "@/lib/members/query";

export const dynamic = "force-dynamic";

const BATCH = 1000;
const COLUMNS = ["discord_user_id", "username", "display_name", "nickname", "status", "tier", "access_until", "total_spent", "joined_at", "roles"];

/**
 * The filtered member list as CSV, streamed: one keyset batch at a time, each
 * read in its own short transaction, so 100k members never sit in memory and
 * no transaction stays open while the client downloads.
 */
export async function GET(request: Request, { params }: { params: Promise<{ slug: string }> }) {
  const gate = await ownerOfRoute((await params).slug);
  if ("response" in gate) return gate.response;
  const parsed = membersQuerySchema.safeParse({ ...Object.fromEntries(new URL(request.url).searchParams), cursor: undefined });
  if (!parsed.success) return Response.json({ error: "Invalid filters.", fieldErrors: z.flattenError(parsed.error).fieldErrors }, { status: 400 });
  const { community } = gate;
  let query = parsed.data;

  const encoder = new TextEncoder();
  let first = true;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const page = await withCommunity(community.id, (tx) => listMembers(tx, query, BATCH));
      const records = page.rows.map((m) => [m.discordUserId, m.user.username, m.user.globalName ?? "", m.nickname ?? "", m.subscriptionStatus, m.subscriptionTier ?? "", m.subscriptionExpiresAt?.toISOString() ?? "", m.totalSpent.toFixed(2), m.joinedAt.toISOString(), m.roles.join(" ")]);
      controller.enqueue(encoder.encode(stringify(records, { header: first, columns: COLUMNS })));
      first = false;
      if (!page.nextCursor) {
        controller.close();
        return;
      }
      query = { ...query, cursor: JSON.parse(Buffer.from(page.nextCursor, "base64url").toString("utf8")) };
    },
  });
  const date = new Date().toISOString().slice(0, 10);
  return new Response(stream, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${community.slug}-members-${date}.csv"`,
      "cache-control": "no-store",
    },
  });
}
