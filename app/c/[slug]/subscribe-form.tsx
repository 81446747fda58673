"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { checkoutAction } from "./actions";

export function SubscribeForm({ slug, tierId, tierName }: { slug: string; tierId: string; tierName: string }) {
  const [state, formAction] = useActionState(checkoutAction, null);
  return (
    <form action={formAction} className="space-y-2">
      <input type="hidden" name="communitySlug" value={slug} />
      <input type="hidden" name="tierId" value={tierId} />
      {state && !state.ok && <Alert tone="error">{state.error}</Alert>}
      <SubmitButton className="w-full" pendingLabel="Opening checkout…">Subscribe to {tierName}</SubmitButton>
    </form>
  );
}
