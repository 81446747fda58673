"use server";

// Sign-in and sign-out are Auth.js's own flows, not actions on our data, so they
// do not go through the action chain; their only input is still validated.
import { signIn, signOut } from "@/lib/auth";
import { safeCallbackUrl } from "@/lib/auth/callback-url";

export async function signInWithDiscord(formData: FormData) {
  await signIn("discord", { redirectTo: safeCallbackUrl(formData.get("callbackUrl")) });
}

export async function signOutAction() {
  await signOut({ redirectTo: "/" });
}
