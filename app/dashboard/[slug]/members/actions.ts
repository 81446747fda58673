"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { communityWorkflow } from "@/lib/actions";
import { stripe } from "@/lib/billing/stripe";
import { removeMember } from "@/lib/members/remove";

/** The owner removes a member: subscriptions cancelled at Stripe now, roles taken away by the bot. */
export const removeMemberAction = communityWorkflow(
  z.object({ memberId: z.uuid("That is not a member id."), confirm: z.literal("remove", { error: "Please confirm the removal." }) }),
  "owner",
  async ({ memberId }, { community, inScope }) => {
    const result = await removeMember(community, memberId.toLowerCase(), inScope, stripe);
    revalidatePath(`/dashboard/${community.slug}/members`);
    return result;
  },
  ({ memberId }, r) => ({ action: "member.removed", objectType: "member", objectId: memberId, details: { username: r.username, cancelled: r.cancelled } }),
);
