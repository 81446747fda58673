import { withCommunity, withUser } from "../db/scopes";
import type { CommunityRole, StaffRole } from "./roles";

type Person = { id: string; discordId: string };

/** The person's role in the community (owner, or staff by their Discord account), or null for anyone else. */
export async function communityRoleOf(community: { id: string; ownerId: string }, person: Person): Promise<CommunityRole | null> {
  if (community.ownerId === person.id) return "owner";
  const staff = await withCommunity(community.id, (tx) =>
    tx.communityStaff.findUnique({
      where: { communityId_discordUserId: { communityId: community.id, discordUserId: person.discordId } },
      select: { role: true },
    }),
  );
  return (staff?.role as StaffRole | undefined) ?? null;
}

/** The communities where the user is staff, read in their own scope (the migration's staff_self_read). */
export async function staffedCommunityRoles(userId: string): Promise<Map<string, StaffRole>> {
  const rows = await withUser(userId, (tx) => tx.communityStaff.findMany({ select: { communityId: true, role: true } }));
  return new Map(rows.map((r) => [r.communityId, r.role as StaffRole]));
}
