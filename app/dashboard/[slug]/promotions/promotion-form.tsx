"use client";

import { useActionState, useState } from "react";
import { echoedList } from "@/lib/actions/echoed";
import { Alert } from "@/components/ui/alert";
import { Field, Input, Select } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { createPromotionAction } from "./actions";

/** A new promotion code: what it takes off, for how long, its limits and tiers. */
export function PromotionForm({ slug, tiers, currency, origin }: { slug: string; tiers: { id: string; name: string }[]; currency: string; origin: string }) {
  const [state, formAction] = useActionState(createPromotionAction, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const echoed = state && !state.ok ? state.values : undefined;
  const [kind, setKind] = useState(echoed?.kind ?? "percent");
  const [duration, setDuration] = useState(echoed?.duration ?? "once");
  return (
    <form action={formAction} className="space-y-5" noValidate aria-label="New promotion code">
      <input type="hidden" name="communitySlug" value={slug} />
      {state && !state.ok && <Alert tone="error">{state.error}</Alert>}
      {state?.ok && (
        <Alert tone="success">
          {state.message} Share it:{" "}
          <span className="break-all font-medium" data-testid="promo-link">
            {origin}
            {state.data.link}
          </span>
        </Alert>
      )}
      <Field id="promo-code" label="Code" hint="What members type, or what your link carries: letters, digits, - and _." errors={errors?.code}>
        {(aria) => <Input {...aria} name="code" defaultValue={echoed?.code ?? ""} maxLength={40} className="uppercase" placeholder="SPRING20" />}
      </Field>
      <div className="grid gap-5 sm:grid-cols-2">
        <Field id="promo-kind" label="Discount" errors={errors?.kind}>
          {(aria) => (
            <Select {...aria} name="kind" value={kind} onChange={(e) => setKind(e.target.value)}>
              <option value="percent">Percent off</option>
              <option value="amount">Amount off ({currency})</option>
            </Select>
          )}
        </Field>
        <Field id="promo-value" label={kind === "percent" ? "Percent" : `Amount (${currency})`} errors={errors?.value}>
          {(aria) => <Input {...aria} name="value" type="number" min={0} step={kind === "percent" ? 1 : 0.01} defaultValue={echoed?.value ?? ""} />}
        </Field>
        <Field id="promo-duration" label="Applies to" errors={errors?.duration}>
          {(aria) => (
            <Select {...aria} name="duration" value={duration} onChange={(e) => setDuration(e.target.value)}>
              <option value="once">The first payment</option>
              <option value="repeating">Some months</option>
              <option value="forever">Every payment</option>
            </Select>
          )}
        </Field>
        {duration === "repeating" && (
          <Field id="promo-months" label="Months" errors={errors?.months}>
            {(aria) => <Input {...aria} name="months" type="number" min={1} max={36} defaultValue={echoed?.months ?? "3"} />}
          </Field>
        )}
        <Field id="promo-max" label="Uses in all (optional)" hint="Empty: no limit." errors={errors?.maxRedemptions}>
          {(aria) => <Input {...aria} name="maxRedemptions" type="number" min={1} defaultValue={echoed?.maxRedemptions ?? ""} />}
        </Field>
        <Field id="promo-expires" label="Last day (optional)" errors={errors?.expiresOn}>
          {(aria) => <Input {...aria} name="expiresOn" type="date" defaultValue={echoed?.expiresOn ?? ""} />}
        </Field>
      </div>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="firstTimeOnly" defaultChecked={echoed?.firstTimeOnly === "on"} className="h-4 w-4 rounded border-slate-300" />
        Only for people who never paid this community before
      </label>
      {tiers.length > 0 && (
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium">Tiers (none ticked: every tier)</legend>
          {tiers.map((t) => (
            <label key={t.id} className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                name="tierIds"
                value={t.id}
                defaultChecked={echoedList(state, "tierIds")?.includes(t.id)}
                className="h-4 w-4 rounded border-slate-300"
              />
              {t.name}
            </label>
          ))}
          {errors?.tierIds && <p className="text-sm text-rose-700">{errors.tierIds.join(" ")}</p>}
        </fieldset>
      )}
      <SubmitButton pendingLabel="Creating at Stripe…">Create code</SubmitButton>
    </form>
  );
}
