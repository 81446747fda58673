import { z } from "zod";
import { ActionError } from "../core/errors";
import { type Actor, type CommunityRef } from "../core/actors";
import type { TenantTx } from "../db/scopes";
import { staffRoleSchema } from "./roles";

const discordId = z
  .string()
  .trim()
  .regex(/^[0-9]{17,20}$/, "A Discord user ID is 17 to 20 digits (Discord: Settings → Advanced → Developer Mode, then right-click the person → Copy User ID).");

export const inviteStaffSchema = z.object({
  discordUserId: discordId,
  role: staffRoleSchema,
  label: z
    .string()
    .trim()
    .max(100, "must be at most 100 characters")
    .optional()
    .transform((v) => v || null),
});
export const changeStaffSchema = z.object({ staffId: z.uuid(), role: staffRoleSchema });
export const removeStaffSchema = z.object({ staffId: z.uuid() });

export async function inviteStaff(input: z.output<typeof inviteStaffSchema>, community: CommunityRef, actor: Actor, tx: TenantTx) {
  if (input.discordUserId === actor.discordId)
    throw new ActionError("Please correct the highlighted fields.", { discordUserId: ["That is you: the owner can already do everything."] });
  const existing = await tx.communityStaff.findUnique({
    where: { communityId_discordUserId: { communityId: community.id, discordUserId: input.discordUserId } },
    select: { id: true },
  });
  if (existing)
    throw new ActionError("Please correct the highlighted fields.", { discordUserId: ["That account is on the team already; change its role in the list."] });
  return tx.communityStaff.create({
    data: { communityId: community.id, discordUserId: input.discordUserId, role: input.role, label: input.label, invitedBy: actor.id },
    select: { id: true, discordUserId: true, role: true },
  });
}

export async function changeStaffRole(input: z.output<typeof changeStaffSchema>, tx: TenantTx) {
  const { count } = await tx.communityStaff.updateMany({ where: { id: input.staffId }, data: { role: input.role } });
  if (!count) throw new ActionError("That person is no longer on the team.");
  return input;
}

export async function removeStaff(input: z.output<typeof removeStaffSchema>, tx: TenantTx) {
  const { count } = await tx.communityStaff.deleteMany({ where: { id: input.staffId } });
  if (!count) throw new ActionError("That person is no longer on the team.");
  return input;
}

/** The team with what we know of each account (its name once it has signed in, or is a member). */
export async function listStaff(tx: TenantTx) {
  const staff = await tx.communityStaff.findMany({
    orderBy: { createdAt: "asc" },
    select: { id: true, discordUserId: true, role: true, label: true, createdAt: true },
  });
  const members = await tx.communityMember.findMany({
    where: { discordUserId: { in: staff.map((s) => s.discordUserId) } },
    select: { discordUserId: true, user: { select: { username: true, globalName: true } } },
  });
  const names = new Map(members.map((m) => [m.discordUserId, m.user.globalName ?? m.user.username]));
  return staff.map((s) => ({ ...s, name: names.get(s.discordUserId) ?? s.label }));
}

/** People already in the community, newest first: who the owner is likely to invite. */
export async function inviteSuggestions(tx: TenantTx, take = 200): Promise<{ id: string; name: string }[]> {
  const members = await tx.communityMember.findMany({
    where: { isActive: true, erasedAt: null },
    orderBy: { joinedAt: "desc" },
    take,
    select: { discordUserId: true, user: { select: { username: true } } },
  });
  return members.map((m) => ({ id: m.discordUserId, name: m.user.username }));
}
