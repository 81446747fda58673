import { db } from "../db/client";
import { communityRoleOf } from "../staff/access";
import { can, type Permission } from "../staff/roles";
import { slugSchema } from "./slug";
import type { CommunityRef } from "../core/actors";

type Person = { id: string; discordId: string };

/** The community an action names (the form's slug), as the action chain hands it to domains; null if none. */
export async function communityRefBySlug(rawSlug: unknown): Promise<CommunityRef | null> {
  const slug = slugSchema.safeParse(rawSlug);
  if (!slug.success) return null;
  return db.community.findUnique({
    where: { slug: slug.data },
    select: { id: true, slug: true, name: true, ownerId: true, stripeAccountId: true, subscriptionTier: true },
  });
}

/**
 * The community behind a dashboard URL with the person's role in it, if that
 * role has the permission; otherwise null (render a 404: someone else's
 * community looks exactly like a missing one).
 */
export async function findManagedCommunity(rawSlug: string, person: Person, need: Permission = "view") {
  const slug = slugSchema.safeParse(rawSlug);
  if (!slug.success) return null;
  const community = await db.community.findUnique({
    where: { slug: slug.data },
    select: {
      id: true,
      slug: true,
      name: true,
      description: true,
      avatarUrl: true,
      status: true,
      settings: true,
      ownerId: true,
      discordGuildId: true,
      createdAt: true,
      stripeAccountId: true,
      stripeChargesEnabled: true,
      subscriptionTier: true,
    },
  });
  if (!community) return null;
  const role = await communityRoleOf(community, person);
  return role && can(role, need) ? { ...community, role } : null;
}
