"use server";

// Sign-in and sign-out are Auth.js's own flows, not actions on our data, so they
// do not go through the action chain; their only input is still validated.
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { signIn, signOut } from "@/lib/auth";
import { safeCallbackUrl } from "@/lib/auth/callback-url";
import { clientAddress, consume } from "@/lib/security/rate-limit";

export async function signInWithDiscord(formData: FormData) {
  const callbackUrl = safeCallbackUrl(formData.get("callbackUrl"));
  const allowed = await consume("signIn", clientAddress(await headers()));
  if (!allowed.ok) redirect(`/signin?error=TooManyAttempts&callbackUrl=${encodeURIComponent(callbackUrl)}`);
  await signIn("discord", { redirectTo: callbackUrl });
}

export async function signOutAction() {
  await signOut({ redirectTo: "/" });
}
