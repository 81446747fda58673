import { randomBytes } from "node:crypto";
import { cookies } from "next/headers";
import { z } from "zod";
import { getSessionUser } from "@/lib/auth/session";
import { slugSchema } from "@/lib/communities/slug";
import { botAuthorizeUrl, communityForInstall, INSTALL_COOKIE } from "@/lib/discord/bot-install";
import { platformBot } from "@/lib/discord/platform-bot";
import { appOrigin } from "@/lib/http/origin";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** "Add the bot to your server": off to Discord's bot authorization, the community's server preselected. */
export const GET = route(async (request: Request) => {
  const user = await getSessionUser();
  const origin = await appOrigin();
  const query = new URL(request.url).searchParams;
  const slug = slugSchema.safeParse(query.get("community"));
  // Another of the owner's servers, to link once the bot is in it (optional).
  const server = z
    .string()
    .regex(/^\d{17,20}$/)
    .nullable()
    .safeParse(query.get("server"));
  if (!user) return Response.redirect(`${origin}/signin`, 303);
  if (!slug.success) return Response.json({ error: "Which community? (?community=<its address>)" }, { status: 400 });
  if (!server.success) return Response.json({ error: "server must be a Discord server id" }, { status: 400 });
  const community = await communityForInstall(slug.data, user.id);
  if (!community) return Response.json({ error: "We couldn't find that community." }, { status: 404 });
  const bot = platformBot();
  if (!bot) return Response.redirect(`${origin}/dashboard/${community.slug}/bot?error=no_platform_bot`, 303);
  // The state ties Discord's answer to this browser and this community (no one else's install can land here).
  const nonce = randomBytes(18).toString("base64url");
  (await cookies()).set(INSTALL_COOKIE, [community.slug, nonce, server.data].filter(Boolean).join("."), {
    httpOnly: true,
    sameSite: "lax",
    secure: origin.startsWith("https:"),
    maxAge: 600,
    path: "/api/discord/bot",
  });
  return Response.redirect(
    botAuthorizeUrl({
      applicationId: bot.applicationId,
      guildId: server.data ?? community.discordGuildId,
      state: nonce,
      redirectUri: `${origin}/api/discord/bot/callback`,
    }),
    303,
  );
});
