"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Field, Select, Textarea } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { giftCheckoutAction } from "./actions";

/** Buying a tier as a gift: how long (each length with its price) and a note; Stripe Checkout takes the payment. */
export function GiftForm({
  slug,
  tierId,
  tierName,
  currency,
  lengths,
}: {
  slug: string;
  tierId: string;
  tierName: string;
  currency: string | null;
  /** The lengths to pick from, with their prices; a pass tier's one, its pass (months null). */
  lengths: { months: number | null; label: string }[];
}) {
  const [state, formAction] = useActionState(giftCheckoutAction, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const echoed = state && !state.ok ? state.values : undefined;
  const id = (field: string) => `gift-${tierId}-${field}`;
  return (
    <form action={formAction} className="mt-3 space-y-3" noValidate aria-label={`Give ${tierName} as a gift`}>
      <input type="hidden" name="communitySlug" value={slug} />
      <input type="hidden" name="tierId" value={tierId} />
      {currency && <input type="hidden" name="currency" value={currency} />}
      {state && !state.ok && <Alert tone="error">{state.error}</Alert>}
      {lengths[0]?.months === null ? (
        <p className="text-sm text-slate-700" data-testid="gift-pass">
          {lengths[0].label}
        </p>
      ) : (
        <Field id={id("months")} label="How long" errors={errors?.months}>
          {(aria) => (
            <Select {...aria} name="months" defaultValue={echoed?.months ?? String(lengths[0]?.months ?? "")}>
              {lengths.map((l) => (
                <option key={l.months} value={l.months ?? ""}>
                  {l.label}
                </option>
              ))}
            </Select>
          )}
        </Field>
      )}
      <Field id={id("message")} label="Message (optional)" hint="Shown to whoever opens the gift's link." errors={errors?.message}>
        {(aria) => <Textarea {...aria} name="message" rows={2} maxLength={200} defaultValue={echoed?.message ?? ""} />}
      </Field>
      <SubmitButton variant="secondary" className="w-full" pendingLabel="Opening checkout…">
        Buy as a gift
      </SubmitButton>
      <p className="text-xs text-slate-500">One payment, nothing renews. You get a link to pass on; whoever opens it claims the membership.</p>
    </form>
  );
}
