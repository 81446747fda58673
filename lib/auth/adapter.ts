import { PrismaAdapter } from "@auth/prisma-adapter";
import type { Adapter, AdapterUser } from "next-auth/adapters";
import { db } from "../db/client";
import type { DiscordUserFields } from "./profile";

/**
 * Auth.js's Prisma adapter, with the Discord id as the identity: a user we
 * already know (seeded, or met through a webhook or the bot) is the same person
 * when they first sign in, so createUser upserts by discord_id. Discord is the
 * only provider, so there is no linking by e-mail.
 */
export function communityOsAdapter(): Adapter {
  // The adapter only uses model delegates; our client has the models it needs.
  const base = PrismaAdapter(db as unknown as Parameters<typeof PrismaAdapter>[0]);
  return {
    ...base,
    async createUser(user) {
      const { id: _id, emailVerified: _verified, ...fields } = user as AdapterUser & DiscordUserFields;
      const row = await db.user.upsert({
        where: { discordId: fields.discordId },
        create: { ...fields, lastLogin: new Date() },
        update: { ...fields, lastLogin: new Date() },
      });
      return row as unknown as AdapterUser;
    },
    async getUserByEmail() {
      return null;
    },
    // One person, one Discord account: signing in with another Discord account while signed in
    // must not attach it to this user (Auth.js would link it). "Switch Discord account" moves a
    // membership between two users instead.
    async linkAccount(account) {
      const user = await db.user.findUnique({ where: { id: account.userId }, select: { discordId: true } });
      if (account.provider === "discord" && user?.discordId !== account.providerAccountId) {
        throw new Error("This Discord account belongs to another CommunityOS user; sign out first to use it.");
      }
      await base.linkAccount!(account);
    },
  };
}
