"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { communityAction, communityWorkflow } from "@/lib/actions";
import { grantComp, grantCompSchema, revokeComp, revokeCompSchema } from "@/lib/members/comp-access";
import { stripe } from "@/lib/billing/stripe";
import { removeMember } from "@/lib/members/remove";
import { pauseForOwner, resumeForOwner } from "@/lib/billing/pause";
import { wholeNumber } from "@/lib/communities/validation";

/** The owner removes a member: subscriptions cancelled at Stripe now, roles taken away by the bot. */
export const removeMemberAction = communityWorkflow(
  z.object({ memberId: z.uuid("That is not a member id."), confirm: z.literal("remove", { error: "Please confirm the removal." }) }),
  "moderate",
  async ({ memberId }, { community, inScope }) => {
    const result = await removeMember(community, memberId.toLowerCase(), inScope, stripe);
    revalidatePath(`/dashboard/${community.slug}/members`);
    return result;
  },
  ({ memberId }, r) => ({ action: "member.removed", objectType: "member", objectId: memberId, details: { username: r.username, cancelled: r.cancelled } }),
);

/** "Give free access": a tier for free until a date (or for good), with a note. */
export const grantCompAction = communityAction(
  grantCompSchema,
  "moderate",
  (input, { actor, community, tx }) => grantComp(tx, community.id, actor, input),
  (input, r) => ({ action: "comp.granted", objectType: "member", objectId: input.memberId, details: { tier: r.tier, until: r.until, note: input.note } }),
);

export const revokeCompAction = communityAction(
  revokeCompSchema,
  "moderate",
  (input, { actor, community, tx }) => revokeComp(tx, community.id, actor, input),
  (input) => ({ action: "comp.revoked", objectType: "member", objectId: input.memberId, details: { grantId: input.grantId } }),
);

const memberSubscription = z.object({ subscriptionId: z.uuid("That is not a subscription id.") });

/**
 * "Pause billing" in the member drawer: Stripe voids the invoices of the pause and
 * resumes by itself; the member's paid roles go until then. Money forgone, so it
 * takes the permission refunds take.
 */
export const pauseSubscriptionAction = communityWorkflow(
  memberSubscription.extend({ months: wholeNumber(1, 3) }),
  "manage",
  async ({ subscriptionId, months }, { community, inScope }) => {
    const result = await pauseForOwner(community, subscriptionId.toLowerCase(), months, inScope, stripe());
    revalidatePath(`/dashboard/${community.slug}/members`);
    return result;
  },
  ({ subscriptionId }, r) => ({
    action: "membership.paused",
    objectType: "subscription",
    objectId: subscriptionId,
    details: { tier: r.tierName, months: r.months, resumesAt: r.resumesAt },
  }),
);

export const resumeSubscriptionAction = communityWorkflow(
  memberSubscription,
  "manage",
  async ({ subscriptionId }, { community, inScope }) => {
    const result = await resumeForOwner(community, subscriptionId.toLowerCase(), inScope, stripe());
    revalidatePath(`/dashboard/${community.slug}/members`);
    return result;
  },
  ({ subscriptionId }, r) => ({ action: "membership.resumed", objectType: "subscription", objectId: subscriptionId, details: { tier: r.tierName } }),
);
