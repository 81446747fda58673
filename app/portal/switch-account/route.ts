import { cookies } from "next/headers";
import { ActionError } from "@/lib/actions/action-chain";
import { getSessionUser } from "@/lib/auth/session";
import { appOrigin } from "@/lib/http/origin";
import { route } from "@/lib/http/route";
import { finishAccountSwitch, SWITCH_COOKIE } from "@/lib/members/discord-access";

export const dynamic = "force-dynamic";

/** Where "Switch Discord account" lands after signing in with the other account: the membership moves here. */
export const GET = route(async () => {
  const origin = await appOrigin();
  const user = await getSessionUser();
  if (!user) return Response.redirect(`${origin}/signin?callbackUrl=%2Fportal%2Fswitch-account`, 303);
  const jar = await cookies();
  const ticket = jar.get(SWITCH_COOKIE)?.value;
  jar.delete(SWITCH_COOKIE);
  if (!ticket) return Response.redirect(`${origin}/portal`, 303);
  try {
    const moved = await finishAccountSwitch(ticket, { id: user.id, discordId: user.discordId });
    return Response.redirect(`${origin}/portal?notice=switched&community=${encodeURIComponent(moved.slug)}`, 303);
  } catch (error) {
    if (!(error instanceof ActionError)) throw error;
    return Response.redirect(`${origin}/portal?error=switch_${error.code ?? "failed"}`, 303);
  }
});
