"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { ButtonLink } from "@/components/ui/button";
import { SubmitButton } from "@/components/ui/submit-button";
import { claimAction } from "./actions";

export function ClaimForm({ slug, code, claimed, otherAccount }: { slug: string; code: string; claimed: boolean; otherAccount: boolean }) {
  const [state, action] = useActionState(claimAction, null);
  if (state?.ok) {
    return (
      <div className="mt-5 space-y-3">
        <Alert tone="success">{state.data.already ? "This membership is already yours." : "Claimed! The bot is giving you your roles now."}</Alert>
        <ButtonLink href="/portal">See your memberships</ButtonLink>
      </div>
    );
  }
  if (otherAccount)
    return (
      <Alert tone="error" className="mt-5">
        This membership belongs to another Discord account. Sign out and sign in with the account the community&apos;s owner named.
      </Alert>
    );
  return (
    <form action={action} className="mt-5 space-y-3">
      <input type="hidden" name="slug" value={slug} />
      <input type="hidden" name="code" value={code} />
      {claimed && <Alert tone="info">This link was used already. If it was you, claiming again just confirms it.</Alert>}
      {state && !state.ok && <Alert tone="error">{state.error}</Alert>}
      <SubmitButton pendingLabel="Claiming…">Claim with this Discord account</SubmitButton>
    </form>
  );
}
