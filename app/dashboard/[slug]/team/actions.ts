"use server";

import { revalidatePath } from "next/cache";
import { communityAction, type ActionState } from "@/lib/actions";
import { changeStaffRole, changeStaffSchema, inviteStaff, inviteStaffSchema, removeStaff, removeStaffSchema } from "@/lib/staff/service";

const invite = communityAction(
  inviteStaffSchema,
  "own",
  (input, { actor, community, tx }) => inviteStaff(input, community, actor, tx),
  (input, r) => ({
    action: "staff.invited",
    objectType: "staff",
    objectId: r.id,
    details: { discordUserId: input.discordUserId, role: input.role },
  }),
);
export const changeStaffRoleAction = communityAction(
  changeStaffSchema,
  "own",
  (input, { tx }) => changeStaffRole(input, tx),
  (input) => ({
    action: "staff.role_changed",
    objectType: "staff",
    objectId: input.staffId,
    details: { role: input.role },
  }),
);
export const removeStaffAction = communityAction(
  removeStaffSchema,
  "own",
  (input, { tx }) => removeStaff(input, tx),
  (input) => ({
    action: "staff.removed",
    objectType: "staff",
    objectId: input.staffId,
  }),
);

export async function inviteStaffAction(prev: ActionState<{ id: string; discordUserId: string; role: string }>, formData: FormData) {
  const result = await invite(prev, formData);
  if (result.ok) revalidatePath(`/dashboard/${String(formData.get("communitySlug"))}/team`);
  return result;
}
