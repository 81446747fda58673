"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { joinCommunityAction } from "./actions";

export function JoinForm({ slug, name }: { slug: string; name: string }) {
  const [state, formAction] = useActionState(joinCommunityAction, null);
  return (
    <form action={formAction} className="flex flex-col items-start gap-3">
      <input type="hidden" name="communitySlug" value={slug} />
      {state && !state.ok && <Alert tone="error">{state.error}</Alert>}
      <SubmitButton pendingLabel="Joining…">Join {name} for free</SubmitButton>
    </form>
  );
}
