// Who may do what in a community. The owner may do everything; staff are
// invited by the owner with one of three roles. Every action and route handler
// names the permission it needs (lib/actions/action-chain.ts, owner-route.ts).
import { z } from "zod";

export const STAFF_ROLES = ["admin", "moderator", "viewer"] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
export type CommunityRole = "owner" | StaffRole;
export const staffRoleSchema = z.enum(STAFF_ROLES, { error: "Pick admin, moderator or viewer." });

/**
 * - view: read every dashboard page (viewer and up)
 * - moderate: members, comp access, role fixes (moderator and up)
 * - manage: tiers, settings, bot, promotions, refunds, a member's billing paused, imports, API keys, webhooks (admin and up)
 * - own: payouts, staff, deletion (the owner alone)
 */
export type Permission = "view" | "moderate" | "manage" | "own";

const RANK: Record<CommunityRole, number> = { viewer: 0, moderator: 1, admin: 2, owner: 3 };
const NEEDS: Record<Permission, number> = { view: 0, moderate: 1, manage: 2, own: 3 };

export function can(role: CommunityRole, permission: Permission): boolean {
  return RANK[role] >= NEEDS[permission];
}

export const ROLE_LABELS: Record<CommunityRole, { name: string; does: string }> = {
  owner: { name: "Owner", does: "Everything, including payouts, staff and deleting the community." },
  admin: { name: "Admin", does: "Everything but payouts, staff and deleting the community." },
  moderator: { name: "Moderator", does: "Members, comp access and Discord role fixes; reads everything else." },
  viewer: { name: "Viewer", does: "Reads every page; changes nothing." },
};

export const NOT_ALLOWED = "Your role in this community doesn't allow that. Ask the owner.";
