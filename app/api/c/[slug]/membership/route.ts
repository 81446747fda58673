import { getSessionUser } from "@/lib/auth/session";
import { membershipStatus } from "@/lib/billing/checkout";
import { slugSchema } from "@/lib/communities/slug";
import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** The signed-in user's membership state in one community, for the welcome page to poll. Read-only. */
export const GET = route(async (_request: Request, { params }: { params: Promise<{ slug: string }> }) => {
  const user = await getSessionUser();
  if (!user) return Response.json({ error: "Please sign in." }, { status: 401 });
  const slug = slugSchema.safeParse((await params).slug);
  const community = slug.success ? await db.community.findUnique({ where: { slug: slug.data }, select: { id: true, discordGuildId: true } }) : null;
  if (!community) return Response.json({ error: "No such community." }, { status: 404 });
  const status = await membershipStatus(community.id, user.id);
  return Response.json({ ...status, guildId: community.discordGuildId }, { headers: { "cache-control": "no-store" } });
});
