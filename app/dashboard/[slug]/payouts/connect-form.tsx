"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { startOnboardingAction } from "./actions";

export function ConnectForm({ slug, label }: { slug: string; label: string }) {
  const [state, formAction] = useActionState(startOnboardingAction, null);
  return (
    <form action={formAction} className="space-y-3">
      <input type="hidden" name="communitySlug" value={slug} />
      {state && !state.ok && <Alert tone="error">{state.error}</Alert>}
      <SubmitButton pendingLabel="Opening Stripe…">{label}</SubmitButton>
    </form>
  );
}
