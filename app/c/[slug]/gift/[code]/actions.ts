"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { communityAction, type ActionState } from "@/lib/actions";
import { claimGift } from "@/lib/gifts/claim";
import { giftCodeSchema } from "@/lib/gifts/offer";

const claim = communityAction(z.object({ code: giftCodeSchema }), "signed-in", ({ code }, { actor, community, tx }) =>
  claimGift(tx, community.id, code, { userId: actor.id, discordUserId: actor.discordId }, new Date()),
);

export async function claimGiftAction(prev: ActionState<{ tierName: string; until: Date }>, formData: FormData) {
  const result = await claim(prev, formData);
  if (result.ok) revalidatePath(`/c/${formData.get("communitySlug")}/gift/${formData.get("code")}`);
  return result;
}
