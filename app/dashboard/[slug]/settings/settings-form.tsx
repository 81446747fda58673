"use client";

import { useRouter } from "next/navigation";
import { useActionState, useEffect } from "react";
import { Alert } from "@/components/ui/alert";
import { Field, Input, Select, Textarea } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import type { CommunitySettings } from "@/lib/communities/validation";
import { updateCommunityAction } from "./actions";

type Values = { slug: string; name: string; description: string | null; status: string } & CommunitySettings;

export function SettingsForm({ values }: { values: Values }) {
  const [state, formAction] = useActionState(updateCommunityAction, null);
  const router = useRouter();
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  // After a failed save, show what the owner typed, not what is stored.
  const echoed = state && !state.ok ? state.values : undefined;
  const v = (name: keyof Values) => echoed?.[name] ?? String(values[name] ?? "");
  const savedSlug = state?.ok ? state.data.slug : null;

  // A new slug is a new address: move the owner there once it is saved.
  useEffect(() => {
    if (savedSlug && savedSlug !== values.slug) router.replace(`/dashboard/${savedSlug}/settings`);
  }, [savedSlug, values.slug, router]);

  return (
    <form action={formAction} className="space-y-6" noValidate>
      <input type="hidden" name="communitySlug" value={values.slug} />
      {state && !state.ok && <Alert tone="error">{state.error}</Alert>}
      {state?.ok && <Alert tone="success">{state.message}</Alert>}
      <Field id="name" label="Name" errors={errors?.name}>
        {(aria) => <Input {...aria} name="name" defaultValue={v("name")} required maxLength={100} />}
      </Field>
      <Field id="slug" label="Page address" hint="Changing it changes your public link /c/…" errors={errors?.slug}>
        {(aria) => <Input {...aria} name="slug" defaultValue={v("slug")} required maxLength={100} />}
      </Field>
      <Field id="description" label="Description" errors={errors?.description}>
        {(aria) => <Textarea {...aria} name="description" defaultValue={v("description")} maxLength={2000} />}
      </Field>
      <Field id="status" label="Status" hint="Paused communities take no new members; archived ones disappear from the public." errors={errors?.status}>
        {(aria) => (
          <Select {...aria} name="status" defaultValue={v("status")}>
            <option value="active">Active</option>
            <option value="paused">Paused</option>
            <option value="archived">Archived</option>
          </Select>
        )}
      </Field>
      <fieldset className="space-y-6 rounded-xl p-4 ring-1 ring-slate-200">
        <legend className="px-1 text-sm font-medium">Membership settings</legend>
        <Field id="supportUrl" label="Support link" hint="Optional. Where members can ask for help (https://…)." errors={errors?.supportUrl}>
          {(aria) => <Input {...aria} name="supportUrl" type="url" defaultValue={v("supportUrl")} placeholder="https://" />}
        </Field>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            name="showMemberCount"
            defaultChecked={echoed ? echoed.showMemberCount === "on" : values.showMemberCount}
            className="h-4 w-4 rounded border-slate-300"
          />
          Show the member count on the public page
        </label>
      </fieldset>
      <fieldset className="space-y-6 rounded-xl p-4 ring-1 ring-slate-200">
        <legend className="px-1 text-sm font-medium">Failed payments and member e-mail</legend>
        <p className="text-sm text-slate-600">
          When a renewal fails, the member keeps their roles through the grace period, then (if you set restricted days) holds only the lapsed role chosen on
          the Discord bot tab, then loses access. Reminders with a link to pay go by e-mail and Discord until they pay.
        </p>
        <div className="grid gap-6 sm:grid-cols-2">
          <Field id="gracePeriodDays" label="Grace period (days)" hint="Roles kept while the payment is retried." errors={errors?.gracePeriodDays}>
            {(aria) => <Input {...aria} name="gracePeriodDays" type="number" min={0} max={30} defaultValue={v("gracePeriodDays")} className="w-32" />}
          </Field>
          <Field
            id="restrictedDays"
            label="Restricted stage (days)"
            hint="Then only the lapsed role. 0 ends access with the grace period."
            errors={errors?.restrictedDays}
          >
            {(aria) => <Input {...aria} name="restrictedDays" type="number" min={0} max={60} defaultValue={v("restrictedDays")} className="w-32" />}
          </Field>
          <Field
            id="dunningIntervalHours"
            label="Remind every (hours)"
            hint="From 12 to 168 hours; the first reminder goes at once."
            errors={errors?.dunningIntervalHours}
          >
            {(aria) => (
              <Input {...aria} name="dunningIntervalHours" type="number" min={12} max={168} defaultValue={v("dunningIntervalHours")} className="w-32" />
            )}
          </Field>
          <Field id="winbackDays" label="Win-back e-mail after (days)" hint="One message after a membership ends. 0 sends none." errors={errors?.winbackDays}>
            {(aria) => <Input {...aria} name="winbackDays" type="number" min={0} max={90} defaultValue={v("winbackDays")} className="w-32" />}
          </Field>
          <Field
            id="saveOfferPercent"
            label="Offer to stay (% off)"
            hint="Shown to a member about to cancel, once per member. 0 makes no offer."
            errors={errors?.saveOfferPercent}
          >
            {(aria) => <Input {...aria} name="saveOfferPercent" type="number" min={0} max={90} defaultValue={v("saveOfferPercent")} className="w-32" />}
          </Field>
          <Field id="saveOfferMonths" label="Offer lasts (months)" hint="How many monthly payments the discount applies to." errors={errors?.saveOfferMonths}>
            {(aria) => <Input {...aria} name="saveOfferMonths" type="number" min={1} max={12} defaultValue={v("saveOfferMonths")} className="w-32" />}
          </Field>
          <Field
            id="pauseMonths"
            label="Let members pause instead"
            hint="Offered to a member about to cancel: no charges and no paid roles until it ends, then billing resumes."
            errors={errors?.pauseMonths}
          >
            {(aria) => (
              <Select {...aria} name="pauseMonths" defaultValue={v("pauseMonths")}>
                <option value="0">Not offered</option>
                <option value="1">For up to 1 month</option>
                <option value="2">For up to 2 months</option>
                <option value="3">For up to 3 months</option>
              </Select>
            )}
          </Field>
        </div>
        <Field
          id="receipts"
          label="Payment receipts"
          hint="Stripe's own receipts must be turned on in your Stripe dashboard (Settings → Customer emails)."
          errors={errors?.receipts}
        >
          {(aria) => (
            <Select {...aria} name="receipts" defaultValue={v("receipts")}>
              <option value="communityos">CommunityOS sends receipts</option>
              <option value="stripe">Stripe sends receipts</option>
            </Select>
          )}
        </Field>
      </fieldset>
      <fieldset className="space-y-4 rounded-xl p-4 ring-1 ring-slate-200">
        <legend className="px-1 text-sm font-medium">Taxes</legend>
        <Field
          id="taxMode"
          label="Stripe Tax"
          hint="Stripe computes sales tax and VAT where you are registered (set up Stripe Tax in your Stripe dashboard first); your Stripe account is liable. Changing it gives every tier a new Stripe price; members keep the price they subscribed at."
          errors={errors?.taxMode}
        >
          {(aria) => (
            <Select {...aria} name="taxMode" defaultValue={v("taxMode")}>
              <option value="off">Off</option>
              <option value="exclusive">On: tax added to the tier&apos;s price</option>
              <option value="inclusive">On: tax included in the tier&apos;s price</option>
            </Select>
          )}
        </Field>
      </fieldset>
      <SubmitButton>Save settings</SubmitButton>
    </form>
  );
}
