"use client";

import { useActionState, useState } from "react";
import { ScriptButton } from "@/components/ui/hydration";
import { Input } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { refundAction } from "./actions";

type Props = { slug: string; paymentId: string; remaining: string; currency: string; who: string; filters: { status: string; days: string } };

export function RefundForm({ slug, paymentId, remaining, currency, who, filters }: Props) {
  const [open, setOpen] = useState(false);
  // Success redirects to the list with a page-level notice (see actions.ts).
  const [state, formAction] = useActionState(refundAction, null);
  if (!open)
    return (
      <ScriptButton size="sm" variant="secondary" onClick={() => setOpen(true)} aria-label={`Refund ${who}'s payment`}>
        Refund
      </ScriptButton>
    );
  const error = state && !state.ok ? (state.fieldErrors?.amount?.join("; ") ?? state.error) : null;
  return (
    <form action={formAction} className="flex flex-col items-end gap-1">
      <input type="hidden" name="communitySlug" value={slug} />
      <input type="hidden" name="paymentId" value={paymentId} />
      <input type="hidden" name="returnStatus" value={filters.status} />
      <input type="hidden" name="returnDays" value={filters.days} />
      <div className="flex items-center gap-2">
        <label htmlFor={`refund-${paymentId}`} className="sr-only">
          Amount to refund ({currency})
        </label>
        <Input
          id={`refund-${paymentId}`}
          name="amount"
          placeholder={remaining}
          inputMode="decimal"
          className="h-8 w-24"
          aria-describedby={`refund-${paymentId}-hint`}
          aria-invalid={error ? true : undefined}
        />
        <SubmitButton size="sm" pendingLabel="Refunding…">
          Confirm refund
        </SubmitButton>
      </div>
      <p id={`refund-${paymentId}-hint`} className="text-xs text-slate-500">
        Empty refunds all {remaining} {currency}.
      </p>
      {error && (
        <p role="alert" className="max-w-xs text-right text-xs text-rose-700">
          {error}
        </p>
      )}
    </form>
  );
}
