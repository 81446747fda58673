"use server";

import { revalidatePath } from "next/cache";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { userAction, type ActionState } from "@/lib/actions";
import { billingPortalUrl, previewTierSwitch, setCancelAtPeriodEnd, switchTier } from "@/lib/billing/portal";
import { appOrigin } from "@/lib/http/origin";
import { eraseAccount } from "@/lib/gdpr/erasure";
import { signOut } from "@/lib/auth";
import { regainAccess, startAccountSwitch, SWITCH_COOKIE } from "@/lib/members/discord-access";
import { CANCELLATION_REASONS } from "@/lib/billing/cancellation-reasons";
import { acceptSaveOffer } from "@/lib/billing/save-offer";
import { pauseMembership, resumeMembership } from "@/lib/billing/pause";
import { wholeNumber } from "@/lib/communities/validation";

const subscriptionRef = z.object({ subscriptionId: z.uuid("unknown membership") });
const tierChoice = subscriptionRef.extend({ tierId: z.uuid("pick a tier") });

const portal = userAction(subscriptionRef, async ({ subscriptionId }, { actor }) => billingPortalUrl(actor.id, subscriptionId, `${await appOrigin()}/portal`));

export async function manageBillingAction(prev: ActionState<{ url: string }>, formData: FormData) {
  const result = await portal(prev, formData);
  if (result.ok) redirect(result.data.url);
  return result;
}

export const cancelAtPeriodEndAction = userAction(
  subscriptionRef.extend({
    cancel: z.enum(["true", "false"]).transform((v) => v === "true"),
    // Both optional: a member may leave without saying why.
    reason: z
      .enum(CANCELLATION_REASONS, { error: "pick one of the listed reasons" })
      .or(z.literal(""))
      .optional()
      .transform((v) => v || null),
    comment: z
      .string()
      .trim()
      .max(500, "must be at most 500 characters")
      .optional()
      .transform((v) => v || null),
  }),
  ({ subscriptionId, cancel, reason, comment }, { actor }) => setCancelAtPeriodEnd(actor.id, subscriptionId, cancel, undefined, { reason, comment }),
);

/** "Stay with the discount" in the cancel dialog: the community's save offer, once per member. */
export const acceptSaveOfferAction = userAction(subscriptionRef, ({ subscriptionId }, { actor }) => acceptSaveOffer(actor.id, subscriptionId));

/** "Pause instead" in the cancel dialog, where the community offers it (how long it allows is checked there). */
export const pauseMembershipAction = userAction(subscriptionRef.extend({ months: wholeNumber(1, 3) }), ({ subscriptionId, months }, { actor }) =>
  pauseMembership(actor.id, subscriptionId, months),
);

export const resumeMembershipAction = userAction(subscriptionRef, ({ subscriptionId }, { actor }) => resumeMembership(actor.id, subscriptionId));

export const previewSwitchAction = userAction(tierChoice, ({ subscriptionId, tierId }, { actor }) => previewTierSwitch(actor.id, subscriptionId, tierId));

export const switchTierAction = userAction(tierChoice, ({ subscriptionId, tierId }, { actor }) => switchTier(actor.id, subscriptionId, tierId));

/** GDPR erasure: the user types "erase" to confirm; their sessions end, so they land signed out. */
const erase = userAction(z.object({ confirm: z.literal("erase", { error: 'Type "erase" to confirm.' }) }), (_input, { actor }) => eraseAccount(actor.id));

export async function eraseAccountAction(prev: ActionState<{ communities: number }>, formData: FormData) {
  const result = await erase(prev, formData);
  if (result.ok) {
    // The layout's header was rendered signed in: render it again, signed out, with the page.
    revalidatePath("/", "layout");
    redirect("/?notice=account-erased");
  }
  return result;
}

const memberRef = z.object({ memberId: z.uuid("unknown membership") });

/** "Join the server" / "Regain access": added again with your Discord grant, roles restored, now. */
export const regainAccessAction = userAction(memberRef, ({ memberId }, { actor }) => regainAccess(actor.id, memberId));

/** "Switch Discord account": a signed note of the move, then sign in with the other account. */
const switchAccount = userAction(memberRef, async ({ memberId }, { actor }) => {
  const ticket = await startAccountSwitch(actor.id, memberId);
  (await cookies()).set(SWITCH_COOKIE, ticket, {
    httpOnly: true,
    sameSite: "lax",
    secure: (await appOrigin()).startsWith("https:"),
    maxAge: 15 * 60,
    path: "/",
  });
  return { started: true };
});

export async function switchDiscordAccountAction(prev: ActionState<{ started: boolean }>, formData: FormData) {
  const result = await switchAccount(prev, formData);
  // Signed out, then in with the other account; the portal finishes the move.
  if (result.ok) await signOut({ redirectTo: "/signin?switch=1&callbackUrl=%2Fportal%2Fswitch-account" });
  return result;
}
