"use client";

import { useActionState, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Field, Input, Select, Textarea } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { MAX_QUESTIONS, QUESTION_TYPE_LABELS, QUESTION_TYPES, type CheckoutQuestion } from "@/lib/communities/checkout-questions";
import { saveCheckoutQuestionsAction } from "./actions";

const SLOTS = Array.from({ length: MAX_QUESTIONS }, (_, i) => i + 1);

/** Up to three questions Stripe Checkout asks every paying member; an empty question is not asked. */
export function CheckoutQuestionsForm({ slug, questions }: { slug: string; questions: CheckoutQuestion[] }) {
  const [state, formAction] = useActionState(saveCheckoutQuestionsAction, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const echoed = state && !state.ok ? state.values : undefined;
  const stored = (n: number) => questions[n - 1];
  const [types, setTypes] = useState(() => SLOTS.map((n) => stored(n)?.type ?? "text"));

  return (
    <form action={formAction} className="space-y-5" noValidate aria-labelledby="questions-heading">
      <input type="hidden" name="communitySlug" value={slug} />
      <div>
        <h2 id="questions-heading" className="text-lg font-semibold">
          Checkout questions
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          Stripe Checkout asks these before the member pays (free joins are not asked). The answers show in the member&apos;s details and in the CSV export.
          Stripe advises against asking for sensitive data (passwords, health, ID numbers).
        </p>
      </div>
      {state && !state.ok && <Alert tone="error">{state.error}</Alert>}
      {state?.ok && <Alert tone="success">{state.message}</Alert>}
      {SLOTS.map((n, i) => {
        const q = stored(n);
        const value = (field: string, fallback: string) => echoed?.[`q${n}${field}`] ?? fallback;
        return (
          <fieldset key={n} className="space-y-4 rounded-xl p-4 ring-1 ring-slate-200">
            <legend className="px-1 text-sm font-medium">Question {n}</legend>
            <Field
              id={`q${n}Label`}
              label="Question"
              hint={n === 1 ? "Shown as written, up to 100 characters. Leave empty to ask nothing." : undefined}
              errors={errors?.[`q${n}Label`]}
            >
              {(aria) => (
                <Input
                  {...aria}
                  name={`q${n}Label`}
                  defaultValue={value("Label", q?.label ?? "")}
                  maxLength={100}
                  placeholder={n === 1 ? "Your TradingView username" : ""}
                />
              )}
            </Field>
            <div className="grid gap-4 sm:grid-cols-2">
              <Field id={`q${n}Type`} label="Answer" errors={errors?.[`q${n}Type`]}>
                {(aria) => (
                  <Select
                    {...aria}
                    name={`q${n}Type`}
                    value={types[i]}
                    onChange={(event) => {
                      const type = event.target.value as CheckoutQuestion["type"];
                      setTypes((current) => current.map((t, j) => (j === i ? type : t)));
                    }}
                  >
                    {QUESTION_TYPES.map((type) => (
                      <option key={type} value={type}>
                        {QUESTION_TYPE_LABELS[type]}
                      </option>
                    ))}
                  </Select>
                )}
              </Field>
              <label className="flex items-center gap-2 self-end pb-2 text-sm">
                <input
                  type="checkbox"
                  name={`q${n}Required`}
                  defaultChecked={echoed ? echoed[`q${n}Required`] === "on" : q ? !q.optional : true}
                  className="h-4 w-4 rounded border-slate-300"
                />
                An answer is required
              </label>
            </div>
            {types[i] === "dropdown" && (
              <Field id={`q${n}Choices`} label="Choices" hint="One per line, up to 200." errors={errors?.[`q${n}Choices`]}>
                {(aria) => <Textarea {...aria} name={`q${n}Choices`} defaultValue={value("Choices", q?.choices.join("\n") ?? "")} rows={4} />}
              </Field>
            )}
          </fieldset>
        );
      })}
      <SubmitButton>Save questions</SubmitButton>
    </form>
  );
}
