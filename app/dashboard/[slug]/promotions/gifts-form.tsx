"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { saveGiftsAction } from "./actions";

/** Gift memberships on or off for the community's page. */
export function GiftsForm({ slug, on }: { slug: string; on: boolean }) {
  const [state, formAction] = useActionState(saveGiftsAction, null);
  return (
    <form action={formAction} className="space-y-3">
      <input type="hidden" name="communitySlug" value={slug} />
      {state && !state.ok && <Alert tone="error">{state.error}</Alert>}
      {state?.ok && <Alert tone="success">{state.message}</Alert>}
      <label className="flex items-start gap-2 text-sm">
        <input type="checkbox" name="gifts" defaultChecked={on} className="mt-0.5 h-4 w-4 rounded border-slate-300" />
        <span>
          <span className="font-medium">Sell gift memberships</span>
          <span className="block text-slate-600">
            Anyone can buy 1–12 months of a monthly tier (1 or 2 years of a yearly one) for someone else, paid once. They get a link to pass on.
          </span>
        </span>
      </label>
      <SubmitButton variant="secondary">Save</SubmitButton>
    </form>
  );
}
