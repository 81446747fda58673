"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { communityWorkflow, type ActionState } from "@/lib/actions";
import { startOnboarding } from "@/lib/billing/connect";
import { openPlanPortal, startPlanCheckout } from "@/lib/billing/owner-plan";
import { stripe } from "@/lib/billing/stripe";
import { appOrigin } from "@/lib/http/origin";

const start = communityWorkflow(z.object({}), "own", async (_input, { community }) => {
  const page = `${await appOrigin()}/dashboard/${community.slug}/payouts`;
  return { url: await startOnboarding(community, { returnUrl: `${page}?stripe=return`, refreshUrl: `${page}?stripe=refresh` }) };
});

export async function startOnboardingAction(prev: ActionState<{ url: string }>, formData: FormData) {
  const result = await start(prev, formData);
  if (result.ok) redirect(result.data.url);
  return result;
}

const upgrade = communityWorkflow(z.object({}), "own", async (_input, { community, actor }) => ({
  url: await startPlanCheckout(community.id, actor.id, stripe(), await appOrigin()),
}));

/** Pro through Stripe Checkout on the platform's account. */
export async function upgradePlanAction(prev: ActionState<{ url: string }>, formData: FormData) {
  const result = await upgrade(prev, formData);
  if (result.ok) redirect(result.data.url);
  return result;
}

const manage = communityWorkflow(z.object({}), "own", async (_input, { community }) => ({
  url: await openPlanPortal(community.id, stripe(), await appOrigin()),
}));

/** The platform's customer portal for the plan. */
export async function managePlanAction(prev: ActionState<{ url: string }>, formData: FormData) {
  const result = await manage(prev, formData);
  if (result.ok) redirect(result.data.url);
  return result;
}
