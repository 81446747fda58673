import type { Metadata } from "next";
import { Logo } from "@/components/logo";
import { Card } from "@/components/ui/card";

export const metadata: Metadata = { title: "Sign in" };

// Placeholder until Discord sign-in (Auth.js) lands; see the sign-in issue.
export default function SignInPage() {
  return (
    <div className="mx-auto flex max-w-md flex-col items-center px-4 py-20">
      <Card className="w-full text-center">
        <Logo className="mx-auto h-10 w-10" />
        <h1 className="mt-4 text-2xl font-semibold tracking-tight">Sign in to CommunityOS</h1>
        <p className="mt-2 text-sm text-slate-600">Owners and members sign in with their Discord account.</p>
        <button type="button" disabled className="mt-8 inline-flex h-11 w-full items-center justify-center rounded-lg bg-[#5865F2] text-sm font-medium text-white opacity-60">
          Sign in with Discord
        </button>
        <p className="mt-3 text-xs text-slate-500">Discord sign-in is coming soon.</p>
      </Card>
    </div>
  );
}
