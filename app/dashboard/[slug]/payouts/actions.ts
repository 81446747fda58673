"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { communityWorkflow, type ActionState } from "@/lib/actions";
import { startOnboarding } from "@/lib/billing/connect";

/** Where Stripe sends the owner back: AUTH_URL (required in production), else this request's host in development. */
async function origin() {
  const env = process.env.AUTH_URL;
  if (env) return new URL(env).origin;
  const h = await headers();
  return `${h.get("x-forwarded-proto") ?? "http"}://${h.get("host")}`;
}

const start = communityWorkflow(z.object({}), "owner", async (_input, { community }) => {
  const page = `${await origin()}/dashboard/${community.slug}/payouts`;
  return { url: await startOnboarding(community, { returnUrl: `${page}?stripe=return`, refreshUrl: `${page}?stripe=refresh` }) };
});

export async function startOnboardingAction(prev: ActionState<{ url: string }>, formData: FormData) {
  const result = await start(prev, formData);
  if (result.ok) redirect(result.data.url);
  return result;
}
