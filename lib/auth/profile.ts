import { z } from "zod";

/** The part of Discord's /users/@me we use; Discord may omit or null most of it. */
export const discordProfileSchema = z.object({
  id: z.string().regex(/^\d{17,20}$/),
  username: z.string().min(1).max(100),
  global_name: z.string().max(100).nullish(),
  discriminator: z.string().max(10).nullish(),
  avatar: z.string().max(100).nullish(),
  email: z.string().max(255).nullish(),
  locale: z.string().max(10).nullish(),
  premium_type: z.number().int().nullish(),
});

export type DiscordProfile = z.infer<typeof discordProfileSchema>;

/** Discord's CDN URL for an avatar hash, or the default avatar Discord shows when there is none. */
export function discordAvatarUrl(profile: Pick<DiscordProfile, "id" | "avatar" | "discriminator">): string {
  if (profile.avatar) {
    const format = profile.avatar.startsWith("a_") ? "gif" : "png";
    return `https://cdn.discordapp.com/avatars/${profile.id}/${profile.avatar}.${format}`;
  }
  const legacy = profile.discriminator && profile.discriminator !== "0";
  const index = legacy ? Number.parseInt(profile.discriminator!, 10) % 5 : Number((BigInt(profile.id) >> 22n) % 6n);
  return `https://cdn.discordapp.com/embed/avatars/${index}.png`;
}

/** Our `users` columns from a Discord profile (id = the Discord id, for Auth.js's account link). */
export function userFromDiscordProfile(raw: unknown) {
  const profile = discordProfileSchema.parse(raw);
  return {
    id: profile.id,
    discordId: profile.id,
    username: profile.username,
    globalName: profile.global_name ?? null,
    discriminator: profile.discriminator ?? null,
    avatarUrl: discordAvatarUrl(profile),
    email: profile.email ? profile.email.toLowerCase() : null,
    locale: profile.locale ?? null,
    premiumType: profile.premium_type ?? 0,
  };
}

export type DiscordUserFields = Omit<ReturnType<typeof userFromDiscordProfile>, "id">;
