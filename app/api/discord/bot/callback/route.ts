import { cookies } from "next/headers";
import { getSessionUser } from "@/lib/auth/session";
import { communityForInstall, confirmBotInstall, confirmServerInstall, INSTALL_COOKIE } from "@/lib/discord/bot-install";
import { appOrigin } from "@/lib/http/origin";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Discord sends the owner back here after the bot authorization; the bot is confirmed in the server before it is used. */
export const GET = route(async (request: Request) => {
  const origin = await appOrigin();
  const params = new URL(request.url).searchParams;
  const jar = await cookies();
  const [slug, nonce, server] = (jar.get(INSTALL_COOKIE)?.value ?? "").split(".");
  jar.delete({ name: INSTALL_COOKIE, path: "/api/discord/bot" });
  const user = await getSessionUser();
  if (!user) return Response.redirect(`${origin}/signin`, 303);
  if (!slug || !nonce || params.get("state") !== nonce) return Response.redirect(`${origin}/dashboard?error=bot_install_expired`, 303);
  const community = await communityForInstall(slug, user.id);
  if (!community) return Response.redirect(`${origin}/dashboard`, 303);
  const back = `${origin}/dashboard/${community.slug}/bot`;
  if (params.get("error")) return Response.redirect(`${back}?error=bot_install_cancelled`, 303);
  if (server) {
    const linked = await confirmServerInstall(community, user.id, server, { guildId: params.get("guild_id") });
    return Response.redirect(
      linked.ok ? `${back}?notice=server_linked` : `${back}?error=${linked.code === "link_refused" ? `server_${linked.reason}` : linked.code}`,
      303,
    );
  }
  const outcome = await confirmBotInstall(community, user.id, { guildId: params.get("guild_id"), permissions: params.get("permissions") });
  return Response.redirect(outcome.ok ? `${back}?notice=bot_added` : `${back}?error=${outcome.code}`, 303);
});
