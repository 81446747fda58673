"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { communityWorkflow, type ActionState } from "@/lib/actions";
import { startOnboarding } from "@/lib/billing/connect";
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
