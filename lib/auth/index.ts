import NextAuth, { type NextAuthConfig } from "next-auth";
import Discord from "next-auth/providers/discord";
import { db } from "../db/client";
import { serverEnv } from "../env";
import { communityOsAdapter } from "./adapter";
import { discordSettings } from "./discord-settings";
import { userFromDiscordProfile } from "./profile";

declare module "next-auth" {
  interface Session {
    /** isAdmin only decides what the header shows; every admin page and action checks the database. */
    user: { id: string; discordId: string; username: string; name: string; image: string | null; isAdmin: boolean };
  }
}

/**
 * What sign-in asks Discord for: who you are (identify, email), your servers
 * (guilds: an owner picks one to connect), and guilds.join, so the platform's
 * bot can put a paying member into the community's server.
 */
export const SIGN_IN_SCOPES = "identify email guilds guilds.join";

type DbUser = { id: string; discordId: string; username: string; globalName: string | null; avatarUrl: string | null; isAdmin?: boolean };

function config(): NextAuthConfig {
  const env = serverEnv();
  const discord = discordSettings(env);
  return {
    adapter: communityOsAdapter(),
    session: { strategy: "database", maxAge: 30 * 24 * 60 * 60 },
    secret: env.AUTH_SECRET,
    trustHost: true,
    pages: { signIn: "/signin", error: "/signin" },
    providers:
      discord.mode === "off"
        ? []
        : [
            Discord({
              clientId: discord.clientId,
              clientSecret: discord.clientSecret,
              authorization: { url: `${discord.oauthBase}/oauth2/authorize`, params: { scope: SIGN_IN_SCOPES } },
              token: `${discord.apiBase}/oauth2/token`,
              userinfo: `${discord.apiBase}/users/@me`,
              profile: (profile) => userFromDiscordProfile(profile),
            }),
          ],
    callbacks: {
      session({ session, user }) {
        const row = user as unknown as DbUser;
        session.user = {
          id: row.id,
          discordId: row.discordId,
          username: row.username,
          name: row.globalName ?? row.username,
          image: row.avatarUrl,
          isAdmin: row.isAdmin === true,
        } as typeof session.user;
        return session;
      },
    },
    events: {
      // Auth.js writes the profile and tokens only when the account is first linked;
      // a returning user gets both refreshed here, and last_login every time.
      async signIn({ user, account, profile }) {
        if (!account || !profile || !user.id) return;
        const { id: _discordId, ...fields } = userFromDiscordProfile(profile);
        await db.user.update({ where: { id: user.id }, data: { ...fields, lastLogin: new Date() } });
        await db.account.update({
          where: { provider_providerAccountId: { provider: account.provider, providerAccountId: account.providerAccountId } },
          data: {
            access_token: account.access_token ?? null,
            refresh_token: account.refresh_token ?? null,
            expires_at: account.expires_at ?? null,
            scope: account.scope ?? null,
            token_type: account.token_type ?? null,
          },
        });
      },
    },
  };
}

export const { handlers, auth, signIn, signOut } = NextAuth(config);
