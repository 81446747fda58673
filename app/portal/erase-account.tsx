"use client";

import { useActionState, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ScriptButton } from "@/components/ui/hydration";
import { Field, Input } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { eraseAccountAction } from "./actions";

/** The right to erasure, behind a typed confirmation: it cannot be undone. */
export function EraseAccount() {
  const [state, formAction] = useActionState(eraseAccountAction, null);
  const [open, setOpen] = useState(false);
  if (!open) {
    return (
      <ScriptButton variant="secondary" size="sm" onClick={() => setOpen(true)}>
        Erase my account…
      </ScriptButton>
    );
  }
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={formAction} className="space-y-3" noValidate>
      <p className="text-sm text-slate-700">
        This cancels every paid membership now (without a refund), removes your Discord roles, signs you out everywhere and removes your name, Discord id and
        email. Payments stay as anonymous records, as the law requires. It cannot be undone.
      </p>
      {state && !state.ok && <Alert tone="error">{state.error}</Alert>}
      <Field id="confirm" label='Type "erase" to confirm' errors={errors?.confirm}>
        {(aria) => <Input {...aria} name="confirm" autoComplete="off" className="w-48" />}
      </Field>
      <div className="flex gap-2">
        <SubmitButton pendingLabel="Erasing…">Erase my account</SubmitButton>
        <Button type="button" variant="ghost" onClick={() => setOpen(false)}>
          Keep my account
        </Button>
      </div>
    </form>
  );
}
