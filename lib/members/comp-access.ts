// Comp access: the owner gives a member a tier for free, until a date or for
// good, with a note; revocable at any time. The member's standing and roles
// count it (member-standing.ts, desired-roles.ts), so the bot grants the
// tier's roles, the portal and members list show it, and it ends by itself on
// its date (the sweep in lapse-sweep.ts).
import { z } from "zod";
import { ActionError, refusal } from "../core/errors";
import { type Actor } from "../core/actors";
import type { TenantTx } from "../db/scopes";
import { lockMember, refreshMember } from "../billing/member-refresh";
import { requestRoleSync } from "../jobs/enqueue";

import { rowKey } from "../db/scopes";
const day = z.iso.date({ message: "must be a date (YYYY-MM-DD)" });

export const grantCompSchema = z.object({
  memberId: z.uuid("That is not a member id."),
  tierId: z.uuid("Pick a tier."),
  // Empty: for good. Otherwise access lasts through that day (UTC).
  until: z.union([z.literal(""), day]).transform((v) => (v === "" ? null : new Date(`${v}T23:59:59.999Z`))),
  note: z
    .string()
    .trim()
    .max(500, "must be at most 500 characters")
    .transform((v) => v || null),
});
export const revokeCompSchema = z.object({ memberId: z.uuid("That is not a member id."), grantId: z.uuid("That is not a grant id.") });

export const COMP_ERRORS = {
  memberGone: "That member is no longer in this community.",
  tierGone: "That tier doesn't exist in this community.",
  past: "The end date is in the past. Pick a later day, or leave it empty for good.",
  notFound: "That free access was already revoked.",
} as const;

/** `by`: who gives it (null: an API key whose creator is gone). */
export async function grantComp(tx: TenantTx, communityId: string, by: Pick<Actor, "id"> | null, input: z.output<typeof grantCompSchema>, now = new Date()) {
  if (input.until && input.until <= now) throw new ActionError("Please correct the highlighted fields.", { until: [COMP_ERRORS.past] });
  // Both read in the community's scope: another community's member or tier is simply not found.
  const [member, tier] = [
    await tx.communityMember.findUnique({ where: rowKey(input.memberId.toLowerCase()), select: { id: true, isActive: true, erasedAt: true } }),
    await tx.subscriptionTier.findUnique({ where: rowKey(input.tierId.toLowerCase()), select: { id: true, name: true } }),
  ];
  if (!member || !member.isActive || member.erasedAt) throw refusal(COMP_ERRORS, "memberGone");
  if (!tier) throw new ActionError("Please correct the highlighted fields.", { tierId: [COMP_ERRORS.tierGone] });
  // The member's lock before any of their rows, as every billing event takes them.
  await lockMember(tx, member.id);
  const grant = await tx.accessGrant.create({
    data: { communityId, memberId: member.id, tierId: tier.id, until: input.until, note: input.note, grantedBy: by?.id ?? null },
    select: { id: true },
  });
  const refresh = await refreshMember(tx, member.id, now, { locked: true });
  await requestRoleSync(tx, communityId, member.id, `free access to ${tier.name}`);
  return { grantId: grant.id, tier: tier.name, until: input.until?.toISOString() ?? null, status: refresh.after.status };
}

export async function revokeComp(tx: TenantTx, communityId: string, by: Pick<Actor, "id"> | null, input: z.output<typeof revokeCompSchema>, now = new Date()) {
  await lockMember(tx, input.memberId.toLowerCase());
  const revoked = await tx.accessGrant.updateMany({
    // Only what the owner gave: a pass or a gift was paid for, and ends early by its refund.
    where: { id: input.grantId.toLowerCase(), memberId: input.memberId.toLowerCase(), kind: "comp", revokedAt: null },
    data: { revokedAt: now, revokedBy: by?.id ?? null },
  });
  if (revoked.count === 0) throw refusal(COMP_ERRORS, "notFound");
  const refresh = await refreshMember(tx, input.memberId.toLowerCase(), now, { locked: true });
  await requestRoleSync(tx, communityId, input.memberId.toLowerCase(), "free access revoked");
  return { status: refresh.after.status };
}
