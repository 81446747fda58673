"use client";

import { useActionState, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Field, Input, Textarea } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { PLACEHOLDERS, renderMessage } from "@/lib/discord/message-template";
import { saveBotAction } from "./actions";

export type BotFormValues = {
  configured: boolean;
  clientId: string;
  permissions: string;
  prefix: string;
  welcomeMessage: string;
  farewellMessage: string;
  autoRoleAssignment: boolean;
  paymentVerificationChannel: string;
  adminChannel: string;
  isActive: boolean;
};

function Preview({ template, community }: { template: string; community: string }) {
  if (!template.trim()) return null;
  return (
    <p className="mt-2 rounded-lg bg-[#313338] px-3 py-2 text-sm text-slate-100" aria-label="Preview">
      {renderMessage(template, { user: "@Ada", tier: "Pro", community })}
    </p>
  );
}

export function BotForm({ slug, community, values }: { slug: string; community: string; values: BotFormValues }) {
  const [state, formAction] = useActionState(saveBotAction, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const echoed = state && !state.ok ? state.values : undefined;
  const v = (name: keyof BotFormValues) => echoed?.[name] ?? String(values[name] ?? "");
  const checked = (name: "autoRoleAssignment" | "isActive") => (echoed ? echoed[name] === "on" : values[name]);
  const [welcome, setWelcome] = useState(v("welcomeMessage"));
  const [farewell, setFarewell] = useState(v("farewellMessage"));

  return (
    <form action={formAction} className="space-y-6" noValidate>
      <input type="hidden" name="communitySlug" value={slug} />
      {state && !state.ok && <Alert tone="error">{state.error}</Alert>}
      {state?.ok && <Alert tone="success">{state.message}</Alert>}
      <Field
        id="token"
        label="Bot token"
        hint={values.configured ? "A token is saved (encrypted). Leave empty to keep it; paste a new one to replace it." : "From the Discord Developer Portal: your application → Bot → Reset Token."}
        errors={errors?.token}
      >
        {(aria) => <Input {...aria} name="token" type="password" autoComplete="off" placeholder={values.configured ? "•••••••• (saved)" : ""} />}
      </Field>
      <div className="grid gap-6 sm:grid-cols-2">
        <Field id="clientId" label="Application (client) id" errors={errors?.clientId}>
          {(aria) => <Input {...aria} name="clientId" inputMode="numeric" defaultValue={v("clientId")} required />}
        </Field>
        <Field id="permissions" label="Permissions integer" hint="Manage Roles, Send Messages and View Channels at least." errors={errors?.permissions}>
          {(aria) => <Input {...aria} name="permissions" inputMode="numeric" defaultValue={v("permissions")} />}
        </Field>
        <Field id="paymentVerificationChannel" label="Payment verification channel id" hint="New paying members are announced here. Optional." errors={errors?.paymentVerificationChannel}>
          {(aria) => <Input {...aria} name="paymentVerificationChannel" inputMode="numeric" defaultValue={v("paymentVerificationChannel")} />}
        </Field>
        <Field id="adminChannel" label="Admin channel id" hint="Failed payments, disputes and bot problems go here. Optional." errors={errors?.adminChannel}>
          {(aria) => <Input {...aria} name="adminChannel" inputMode="numeric" defaultValue={v("adminChannel")} />}
        </Field>
        <Field id="prefix" label="Command prefix" errors={errors?.prefix}>
          {(aria) => <Input {...aria} name="prefix" defaultValue={v("prefix")} maxLength={10} className="w-24" />}
        </Field>
      </div>
      <Field id="welcomeMessage" label="Welcome message" hint={`Sent when a member gains paid access (a DM, or the verification channel). Placeholders: ${PLACEHOLDERS.join(", ")}.`} errors={errors?.welcomeMessage}>
        {(aria) => <Textarea {...aria} name="welcomeMessage" value={welcome} onChange={(e) => setWelcome(e.target.value)} maxLength={2000} />}
      </Field>
      <Preview template={welcome} community={community} />
      <Field id="farewellMessage" label="Farewell message" hint="Sent when a member loses paid access." errors={errors?.farewellMessage}>
        {(aria) => <Textarea {...aria} name="farewellMessage" value={farewell} onChange={(e) => setFarewell(e.target.value)} maxLength={2000} />}
      </Field>
      <Preview template={farewell} community={community} />
      <div className="space-y-2">
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="autoRoleAssignment" defaultChecked={checked("autoRoleAssignment")} className="h-4 w-4 rounded border-slate-300" />
          Grant and remove tier roles automatically
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="isActive" defaultChecked={checked("isActive")} className="h-4 w-4 rounded border-slate-300" />
          Bot is active
        </label>
      </div>
      <SubmitButton>Save bot settings</SubmitButton>
    </form>
  );
}
