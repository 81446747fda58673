"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import type { ActionState } from "@/lib/actions";
import { managePlanAction, startOnboardingAction, upgradePlanAction } from "./actions";

type RedirectAction = (prev: ActionState<{ url: string }>, formData: FormData) => Promise<ActionState<{ url: string }>>;

/** A button that sends the owner to Stripe (onboarding, Checkout, the portal), or says why it could not. */
function StripeRedirectForm({ slug, label, action, variant }: { slug: string; label: string; action: RedirectAction; variant?: "primary" | "secondary" }) {
  const [state, formAction] = useActionState(action, null);
  return (
    <form action={formAction} className="space-y-3">
      <input type="hidden" name="communitySlug" value={slug} />
      {state && !state.ok && <Alert tone="error">{state.error}</Alert>}
      <SubmitButton pendingLabel="Opening Stripe…" variant={variant}>
        {label}
      </SubmitButton>
    </form>
  );
}

export function ConnectForm({ slug, label }: { slug: string; label: string }) {
  return <StripeRedirectForm slug={slug} label={label} action={startOnboardingAction} />;
}

export function UpgradePlanForm({ slug, label }: { slug: string; label: string }) {
  return <StripeRedirectForm slug={slug} label={label} action={upgradePlanAction} />;
}

export function ManagePlanForm({ slug }: { slug: string }) {
  return <StripeRedirectForm slug={slug} label="Manage plan and invoices" action={managePlanAction} variant="secondary" />;
}
