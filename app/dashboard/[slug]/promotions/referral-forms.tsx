"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Field, Input, Select } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import type { ReferralProgram } from "@/lib/referrals/program";
import { recordPayoutAction, saveReferralProgramAction } from "./actions";

/** The program's terms: a percent of a referred member's payments, for some months (0 percent: off). */
export function ReferralProgramForm({ slug, program }: { slug: string; program: ReferralProgram | null }) {
  const [state, formAction] = useActionState(saveReferralProgramAction, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const echoed = state && !state.ok ? state.values : undefined;
  return (
    <form action={formAction} className="space-y-4" noValidate>
      <input type="hidden" name="communitySlug" value={slug} />
      {state && !state.ok && <Alert tone="error">{state.error}</Alert>}
      {state?.ok && <Alert tone="success">{state.message}</Alert>}
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="referral-percent" label="Commission (%)" hint="Of what a referred member pays. 0 turns referrals off." errors={errors?.percent}>
          {(aria) => (
            <Input {...aria} name="percent" type="number" min={0} max={50} defaultValue={echoed?.percent ?? String(program?.percent ?? 0)} className="w-32" />
          )}
        </Field>
        <Field id="referral-months" label="For (months)" hint="Payments in the referred member's first months count." errors={errors?.months}>
          {(aria) => (
            <Input {...aria} name="months" type="number" min={1} max={24} defaultValue={echoed?.months ?? String(program?.months ?? 3)} className="w-32" />
          )}
        </Field>
      </div>
      <SubmitButton>Save referral program</SubmitButton>
    </form>
  );
}

/** Records what the owner paid a referrer (outside CommunityOS), in one of the currencies they are owed. */
export function PayoutForm({ slug, memberId, name, owed }: { slug: string; memberId: string; name: string; owed: { currency: string; owed: string }[] }) {
  const [state, formAction] = useActionState(recordPayoutAction, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const first = owed[0]!;
  const id = (field: string) => `payout-${memberId}-${field}`;
  return (
    <form action={formAction} className="mt-2 space-y-2" noValidate aria-label={`Record a payout to ${name}`}>
      <input type="hidden" name="communitySlug" value={slug} />
      <input type="hidden" name="memberId" value={memberId} />
      {state && !state.ok && <Alert tone="error">{state.error}</Alert>}
      {state?.ok && <Alert tone="success">{state.message}</Alert>}
      <div className="flex flex-wrap items-end gap-2">
        <Field id={id("amount")} label="Amount paid" errors={errors?.amount}>
          {(aria) => <Input {...aria} name="amount" inputMode="decimal" defaultValue={first.owed} className="w-28" />}
        </Field>
        <Field id={id("currency")} label="Currency" errors={errors?.currency}>
          {(aria) => (
            <Select {...aria} name="currency" defaultValue={first.currency} className="w-24">
              {owed.map((o) => (
                <option key={o.currency} value={o.currency}>
                  {o.currency}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field id={id("note")} label="Note (optional)" errors={errors?.note}>
          {(aria) => <Input {...aria} name="note" maxLength={200} placeholder="PayPal, 2 Dec" className="w-40" />}
        </Field>
        <SubmitButton variant="secondary">Record payout</SubmitButton>
      </div>
    </form>
  );
}
