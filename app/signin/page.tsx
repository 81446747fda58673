import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Logo } from "@/components/logo";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { SubmitButton } from "@/components/ui/submit-button";
import { safeCallbackUrl } from "@/lib/auth/callback-url";
import { signInMode } from "@/lib/auth/mode";
import { getSessionUser } from "@/lib/auth/session";
import { signInWithDiscord } from "./actions";

export const metadata: Metadata = { title: "Sign in" };

const ERRORS: Record<string, string> = {
  AccessDenied: "Sign-in was cancelled on Discord.",
  OAuthCallbackError: "Discord didn't complete the sign-in. Please try again.",
  Configuration: "Sign-in is misconfigured on our side. Please try again later.",
  TooManyAttempts: "Too many sign-in attempts from your network. Please wait a minute and try again.",
};

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function SignInPage({ searchParams }: Props) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  if (await getSessionUser()) redirect(callbackUrl);
  const mode = signInMode();
  const error = typeof params.error === "string" ? (ERRORS[params.error] ?? "Sign-in failed. Please try again.") : null;

  return (
    <div className="mx-auto flex max-w-md flex-col items-center px-4 py-20">
      <Card className="w-full text-center">
        <Logo className="mx-auto h-10 w-10" />
        <h1 className="mt-4 text-2xl font-semibold tracking-tight">Sign in to CommunityOS</h1>
        <p className="mt-2 text-sm text-slate-600">Owners and members sign in with their Discord account.</p>
        {error && (
          <Alert tone="error" className="mt-6 text-left">
            {error}
          </Alert>
        )}
        {params.switch === "1" && (
          <Alert tone="info" className="mt-6 text-left">
            Sign in with the Discord account your membership should move to. On Discord, pick that account (or log out of the other one first).
          </Alert>
        )}
        {mode === "off" ? (
          <Alert tone="info" className="mt-8 text-left">
            Discord sign-in is not configured. Set <code>AUTH_DISCORD_ID</code> and <code>AUTH_DISCORD_SECRET</code>, or run <code>npm run dev</code> for the
            demo.
          </Alert>
        ) : (
          <form action={signInWithDiscord} className="mt-8">
            <input type="hidden" name="callbackUrl" value={callbackUrl} />
            <SubmitButton className="h-11 w-full bg-[#5865F2] hover:bg-[#4752c4]" pendingLabel="Redirecting to Discord…">
              Sign in with Discord
            </SubmitButton>
          </form>
        )}
        {mode === "demo" && (
          <p className="mt-4 text-xs text-slate-500">Demo mode: a local stand-in for Discord lets you pick a demo owner or member. No account needed.</p>
        )}
        <p className="mt-6 text-xs text-slate-500">We ask Discord for your profile, e-mail and server list. We never post as you.</p>
      </Card>
    </div>
  );
}
