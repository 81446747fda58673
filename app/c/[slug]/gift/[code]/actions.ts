"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { communityAction, type ActionState } from "@/lib/actions";
import { claimGift } from "@/lib/gifts/claim";
import { giftCodeSchema } from "@/lib/gifts/offer";

const claim = communityAction(z.object({ code: giftCodeSchema }), "signed-in", async ({ code }, { actor, community, tx }) => ({
  ...(await claimGift(tx, community.id, code, { userId: actor.id, discordUserId: actor.discordId }, new Date())),
  slug: community.slug,
}));

/** Claimed: on to the welcome page, which follows the bot putting them into the server with the tier's roles. */
export async function claimGiftAction(prev: ActionState<{ tierName: string; until: Date | null; slug: string }>, formData: FormData) {
  const result = await claim(prev, formData);
  if (result.ok) redirect(`/c/${result.data.slug}/welcome`);
  return result;
}
