import { db } from "../db/client";
import { slugSchema } from "./slug";

/** The community behind a dashboard URL, if the user owns it; otherwise null (render a 404). */
export async function findOwnedCommunity(rawSlug: string, userId: string) {
  const slug = slugSchema.safeParse(rawSlug);
  if (!slug.success) return null;
  const community = await db.community.findUnique({
    where: { slug: slug.data },
    select: { id: true, slug: true, name: true, description: true, avatarUrl: true, status: true, settings: true, ownerId: true, discordGuildId: true, createdAt: true, stripeAccountId: true, stripeChargesEnabled: true, subscriptionTier: true },
  });
  return community && community.ownerId === userId ? community : null;
}
