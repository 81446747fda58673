"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Field, Input, Select, Textarea } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { createTierAction, updateTierAction } from "./actions";

export type TierValues = {
  tierId?: string;
  name: string;
  description: string;
  price: string;
  currency: string;
  interval: string;
  features: string;
  discordRoleId: string;
  extraRoleIds: string;
  maxMembers: string;
  trialDays: string;
};

export const EMPTY_TIER: TierValues = {
  name: "", description: "", price: "", currency: "USD", interval: "monthly", features: "", discordRoleId: "", extraRoleIds: "", maxMembers: "", trialDays: "0",
};

export function TierForm({ slug, values }: { slug: string; values: TierValues }) {
  const [state, formAction] = useActionState(values.tierId ? updateTierAction : createTierAction, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const echoed = state && !state.ok ? state.values : undefined;
  const v = (name: keyof TierValues) => echoed?.[name] ?? values[name] ?? "";

  return (
    <form action={formAction} className="space-y-6" noValidate>
      <input type="hidden" name="communitySlug" value={slug} />
      {values.tierId && <input type="hidden" name="tierId" value={values.tierId} />}
      {state && !state.ok && <Alert tone="error">{state.error}</Alert>}
      <Field id="name" label="Tier name" errors={errors?.name}>
        {(aria) => <Input {...aria} name="name" defaultValue={v("name")} maxLength={100} required />}
      </Field>
      <div className="grid gap-6 sm:grid-cols-3">
        <Field id="price" label="Price" errors={errors?.price}>
          {(aria) => <Input {...aria} name="price" inputMode="decimal" placeholder="9.99" defaultValue={v("price")} required />}
        </Field>
        <Field id="currency" label="Currency" hint="ISO code, e.g. USD, EUR, JPY" errors={errors?.currency}>
          {(aria) => <Input {...aria} name="currency" defaultValue={v("currency")} maxLength={3} className="uppercase" required />}
        </Field>
        <Field id="interval" label="Billing" errors={errors?.interval}>
          {(aria) => (
            <Select {...aria} name="interval" defaultValue={v("interval")}>
              <option value="monthly">Monthly</option>
              <option value="yearly">Yearly</option>
            </Select>
          )}
        </Field>
      </div>
      <Field id="description" label="Description" errors={errors?.description}>
        {(aria) => <Textarea {...aria} name="description" defaultValue={v("description")} maxLength={1000} />}
      </Field>
      <Field id="features" label="Features" hint="One per line; shown on your public page." errors={errors?.features}>
        {(aria) => <Textarea {...aria} name="features" defaultValue={v("features")} />}
      </Field>
      <div className="grid gap-6 sm:grid-cols-2">
        <Field id="discordRoleId" label="Discord role id" hint="The role this tier grants (Server Settings → Roles → Copy Role ID)." errors={errors?.discordRoleId}>
          {(aria) => <Input {...aria} name="discordRoleId" inputMode="numeric" defaultValue={v("discordRoleId")} />}
        </Field>
        <Field id="extraRoleIds" label="More role ids" hint="Optional, separated by commas." errors={errors?.extraRoleIds}>
          {(aria) => <Input {...aria} name="extraRoleIds" defaultValue={v("extraRoleIds")} />}
        </Field>
        <Field id="maxMembers" label="Member cap" hint="Optional. At the cap the tier shows “sold out”." errors={errors?.maxMembers}>
          {(aria) => <Input {...aria} name="maxMembers" type="number" min={1} defaultValue={v("maxMembers")} />}
        </Field>
        <Field id="trialDays" label="Free trial (days)" errors={errors?.trialDays}>
          {(aria) => <Input {...aria} name="trialDays" type="number" min={0} max={730} defaultValue={v("trialDays")} />}
        </Field>
      </div>
      <SubmitButton>{values.tierId ? "Save tier" : "Create tier"}</SubmitButton>
    </form>
  );
}
