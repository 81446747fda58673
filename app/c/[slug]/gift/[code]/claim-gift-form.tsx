"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { ButtonLink } from "@/components/ui/button";
import { SubmitButton } from "@/components/ui/submit-button";
import { claimGiftAction } from "./actions";

const day = new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone: "UTC" });

export function ClaimGiftForm({ slug, code, tierName }: { slug: string; code: string; tierName: string }) {
  const [state, action] = useActionState(claimGiftAction, null);
  if (state?.ok) {
    return (
      <div className="mt-5 space-y-3">
        <Alert tone="success">
          Claimed! {state.data.tierName} is yours until {day.format(new Date(state.data.until))}. The bot is giving you its roles now.
        </Alert>
        <ButtonLink href="/portal">See your memberships</ButtonLink>
      </div>
    );
  }
  return (
    <form action={action} className="mt-5 space-y-3">
      <input type="hidden" name="communitySlug" value={slug} />
      <input type="hidden" name="code" value={code} />
      {state && !state.ok && <Alert tone="error">{state.error}</Alert>}
      <SubmitButton pendingLabel="Claiming…">Claim {tierName}</SubmitButton>
    </form>
  );
}
