"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { ActionError, communityAction, type ActionState } from "@/lib/actions";
import { joinCommunity } from "@/lib/communities/owner";
import { db } from "@/lib/db/client";

const join = communityAction(z.object({}), "signed-in", async (_input, { actor, community, tx }) => {
  const { status } = await db.community.findUniqueOrThrow({ where: { id: community.id }, select: { status: true } });
  if (status !== "active") throw new ActionError("This community isn't taking new members right now.");
  return joinCommunity(community, actor, tx);
});

export async function joinCommunityAction(prev: ActionState<{ memberId: string }>, formData: FormData) {
  const result = await join(prev, formData);
  if (result.ok) revalidatePath(`/c/${formData.get("communitySlug")}`);
  return result;
}
