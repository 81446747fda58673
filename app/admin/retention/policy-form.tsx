"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Field, Input, Textarea } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { runRetentionAction, updatePolicyAction } from "./actions";

type Policy = { tableName: string; label: string; counts: string; example: string; retentionDays: number; criteria: string };

export function PolicyForm({ policy }: { policy: Policy }) {
  const [state, formAction] = useActionState(updatePolicyAction, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const echoed = state && !state.ok ? state.values : undefined;
  const id = (name: string) => `${policy.tableName}-${name}`;
  return (
    <form action={formAction} className="space-y-4" noValidate aria-label={`${policy.label} retention`}>
      <input type="hidden" name="tableName" value={policy.tableName} />
      {state && !state.ok && <Alert tone="error">{state.error}</Alert>}
      {state?.ok && (
        <Alert tone="success">
          Saved: {policy.label} are kept {state.data.retentionDays} days.
        </Alert>
      )}
      <Field id={id("retentionDays")} label="Keep for (days)" hint={`Counted in ${policy.counts}.`} errors={errors?.retentionDays}>
        {(aria) => (
          <Input
            {...aria}
            name="retentionDays"
            type="number"
            min={1}
            max={3650}
            required
            defaultValue={echoed?.retentionDays ?? String(policy.retentionDays)}
            className="w-32"
          />
        )}
      </Field>
      <Field
        id={id("criteria")}
        label="Criteria (JSON, optional)"
        hint={
          <>
            Empty deletes everything past retention. Example: <code>{policy.example}</code>
          </>
        }
        errors={errors?.criteria}
      >
        {(aria) => <Textarea {...aria} name="criteria" maxLength={2000} defaultValue={echoed?.criteria ?? policy.criteria} className="min-h-12 font-mono" />}
      </Field>
      <SubmitButton size="sm">Save policy</SubmitButton>
    </form>
  );
}

export function RunRetentionNow() {
  const [state, formAction] = useActionState(runRetentionAction, null);
  return (
    <form action={formAction} className="flex flex-wrap items-center gap-3">
      <SubmitButton variant="secondary" size="sm" pendingLabel="Queueing…">
        Run retention now
      </SubmitButton>
      {state?.ok && (
        <span role="status" className="text-sm text-emerald-700">
          Queued: the worker applies every policy within a minute.
        </span>
      )}
      {state && !state.ok && <Alert tone="error">{state.error}</Alert>}
    </form>
  );
}
