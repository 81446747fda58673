import { getSessionUser } from "@/lib/auth/session";
import { exportUserData } from "@/lib/gdpr/export";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** The signed-in user's data (GDPR access right), as a JSON download. */
export const GET = route(async (_request: Request) => {
  const user = await getSessionUser();
  if (!user) return Response.json({ error: "Please sign in." }, { status: 401 });
  const data = await exportUserData(user.id);
  return new Response(JSON.stringify(data, null, 2), {
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="communityos-data-${new Date().toISOString().slice(0, 10)}.json"`,
      "cache-control": "no-store",
    },
  });
});
