"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { claimGiftAction } from "./actions";

export function ClaimGiftForm({ slug, code, tierName }: { slug: string; code: string; tierName: string }) {
  // A claim that worked moves on to the welcome page; only a refusal comes back here.
  const [state, action] = useActionState(claimGiftAction, null);
  return (
    <form action={action} className="mt-5 space-y-3">
      <input type="hidden" name="communitySlug" value={slug} />
      <input type="hidden" name="code" value={code} />
      {state?.ok === false && <Alert tone="error">{state.error}</Alert>}
      <SubmitButton pendingLabel="Claiming…">Claim {tierName}</SubmitButton>
    </form>
  );
}
