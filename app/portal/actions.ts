"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { userAction, type ActionState } from "@/lib/actions";
import { billingPortalUrl, previewTierSwitch, setCancelAtPeriodEnd, switchTier } from "@/lib/billing/portal";
import { appOrigin } from "@/lib/http/origin";
import { eraseAccount } from "@/lib/gdpr/erasure";
import { CANCELLATION_REASONS } from "@/lib/billing/cancellation-reasons";

const subscriptionRef = z.object({ subscriptionId: z.uuid("unknown membership") });
const tierChoice = subscriptionRef.extend({ tierId: z.uuid("pick a tier") });

const portal = userAction(subscriptionRef, async ({ subscriptionId }, { actor }) =>
  billingPortalUrl(actor.id, subscriptionId, `${await appOrigin()}/portal`),
);

export async function manageBillingAction(prev: ActionState<{ url: string }>, formData: FormData) {
  const result = await portal(prev, formData);
  if (result.ok) redirect(result.data.url);
  return result;
}

export const cancelAtPeriodEndAction = userAction(
  subscriptionRef.extend({
    cancel: z.enum(["true", "false"]).transform((v) => v === "true"),
    // Both optional: a member may leave without saying why.
    reason: z.enum(CANCELLATION_REASONS, { error: "pick one of the listed reasons" }).or(z.literal("")).optional().transform((v) => v || null),
    comment: z.string().trim().max(500, "must be at most 500 characters").optional().transform((v) => v || null),
  }),
  ({ subscriptionId, cancel, reason, comment }, { actor }) => setCancelAtPeriodEnd(actor.id, subscriptionId, cancel, undefined, { reason, comment }),
);

export const previewSwitchAction = userAction(tierChoice, ({ subscriptionId, tierId }, { actor }) => previewTierSwitch(actor.id, subscriptionId, tierId));

export const switchTierAction = userAction(tierChoice, ({ subscriptionId, tierId }, { actor }) => switchTier(actor.id, subscriptionId, tierId));

/** GDPR erasure: the user types "erase" to confirm; their sessions end, so they land signed out. */
const erase = userAction(z.object({ confirm: z.literal("erase", { error: 'Type "erase" to confirm.' }) }), (_input, { actor }) => eraseAccount(actor.id));

export async function eraseAccountAction(prev: ActionState<{ communities: number }>, formData: FormData) {
  const result = await erase(prev, formData);
  if (result.ok) redirect("/?notice=account-erased");
  return result;
}
