"use server";

import { revalidatePath } from "next/cache";
import { communityAction, type ActionState } from "@/lib/actions";
import { updateCommunity } from "@/lib/communities/owner";
import { updateCommunitySchema } from "@/lib/communities/validation";

const update = communityAction(
  updateCommunitySchema,
  "manage",
  (input, { community, tx }) => updateCommunity(input, community, tx),
  (input) => ({
    action: "community.settings_updated",
    objectType: "community",
    details: { name: input.name, slug: input.slug, status: input.status, gracePeriodDays: input.gracePeriodDays },
  }),
);

export async function updateCommunityAction(prev: ActionState<{ slug: string }>, formData: FormData) {
  const result = await update(prev, formData);
  if (result.ok) {
    revalidatePath("/dashboard");
    return { ...result, message: "Settings saved." };
  }
  return result;
}
