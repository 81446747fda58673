"use client";

import { useActionState, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Field, Input, Select, Textarea } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import type { GuildChannel, GuildRole } from "@/lib/discord/guild-catalog";
import { PLACEHOLDERS, renderMessage } from "@/lib/discord/message-template";
import { saveBotAction, saveOwnBotAction } from "./actions";

export type BotFormValues = {
  welcomeMessage: string;
  farewellMessage: string;
  autoRoleAssignment: boolean;
  paymentVerificationChannel: string;
  adminChannel: string;
  lapsedRoleId: string;
  payChannelId: string;
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

/** A channel picked by name from the server's own text channels (ids never typed). */
function ChannelPicker({
  name,
  label,
  hint,
  value,
  channels,
  errors,
}: {
  name: string;
  label: string;
  hint: string;
  value: string;
  channels: GuildChannel[] | null;
  errors?: string[];
}) {
  // A saved channel the bot can no longer see is still shown, so saving does not silently drop it.
  const known = channels && (value === "" || channels.some((c) => c.id === value));
  return (
    <Field id={name} label={label} hint={channels ? hint : "The bot can't list your channels right now (see above)."} errors={errors}>
      {(aria) => (
        <Select {...aria} name={name} defaultValue={value} disabled={!channels}>
          <option value="">None</option>
          {!known && value && <option value={value}>A channel the bot can no longer see</option>}
          {channels?.map((c) => (
            <option key={c.id} value={c.id}>
              #{c.name}
            </option>
          ))}
        </Select>
      )}
    </Field>
  );
}

/** The restricted stage's role, picked by name from the roles the bot may hand out. */
function LapsedRolePicker({ value, roles, errors }: { value: string; roles: GuildRole[] | null; errors?: string[] }) {
  const assignable = roles?.filter((r) => r.assignable) ?? null;
  const known = assignable && (value === "" || assignable.some((r) => r.id === value));
  return (
    <Field
      id="lapsedRoleId"
      label="Lapsed role"
      hint={
        roles
          ? "After a failed payment's grace period, this role replaces the paid ones (give it access to the pay channel only). Optional."
          : "The bot can't list your roles right now (see above)."
      }
      errors={errors}
    >
      {(aria) => (
        <Select {...aria} name="lapsedRoleId" defaultValue={value} disabled={!roles}>
          <option value="">None</option>
          {!known && value && <option value={value}>A role the bot can no longer hand out</option>}
          {assignable?.map((r) => (
            <option key={r.id} value={r.id}>
              @{r.name}
            </option>
          ))}
        </Select>
      )}
    </Field>
  );
}

export function BotForm({
  slug,
  community,
  values,
  channels,
  roles,
}: {
  slug: string;
  community: string;
  values: BotFormValues;
  channels: GuildChannel[] | null;
  roles: GuildRole[] | null;
}) {
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
      <div className="grid gap-6 sm:grid-cols-2">
        <ChannelPicker
          name="paymentVerificationChannel"
          label="Announce new members in"
          hint="New paying members are announced here. Optional."
          value={v("paymentVerificationChannel")}
          channels={channels}
          errors={errors?.paymentVerificationChannel}
        />
        <ChannelPicker
          name="adminChannel"
          label="Admin channel"
          hint="Failed payments, disputes and bot problems go here. Optional."
          value={v("adminChannel")}
          channels={channels}
          errors={errors?.adminChannel}
        />
        <ChannelPicker
          name="payChannelId"
          label="Pay channel"
          hint="Payment reminders to members whose DMs are closed go to a private thread here. Optional."
          value={v("payChannelId")}
          channels={channels}
          errors={errors?.payChannelId}
        />
        <LapsedRolePicker value={v("lapsedRoleId")} roles={roles} errors={errors?.lapsedRoleId} />
      </div>
      <Field
        id="welcomeMessage"
        label="Welcome message"
        hint={`Sent when a paying member arrives in your server (a DM, or the announcement channel). Placeholders: ${PLACEHOLDERS.join(", ")}.`}
        errors={errors?.welcomeMessage}
      >
        {(aria) => <Textarea {...aria} name="welcomeMessage" value={welcome} onChange={(e) => setWelcome(e.target.value)} maxLength={2000} />}
      </Field>
      <Preview template={welcome} community={community} />
      <Field id="farewellMessage" label="Farewell message" hint="Sent when a member loses paid access or leaves your server." errors={errors?.farewellMessage}>
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

/** The owner's own bot instead of the platform's: token (write-only) and application id. */
export function OwnBotForm({ slug, configured, clientId, hint }: { slug: string; configured: boolean; clientId: string; hint?: string }) {
  const [state, formAction] = useActionState(saveOwnBotAction, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={formAction} className="space-y-4" noValidate>
      <input type="hidden" name="communitySlug" value={slug} />
      {hint && <Alert tone="info">{hint}</Alert>}
      {state && !state.ok && <Alert tone="error">{state.error}</Alert>}
      {state?.ok && <Alert tone="success">{state.message}</Alert>}
      <Field
        id="token"
        label="Bot token"
        hint={
          configured
            ? "A token is saved (encrypted). Leave empty to keep it; paste a new one to replace it."
            : "From the Discord Developer Portal: your application → Bot → Reset Token."
        }
        errors={errors?.token}
      >
        {(aria) => <Input {...aria} name="token" type="password" autoComplete="off" placeholder={configured ? "•••••••• (saved)" : ""} />}
      </Field>
      <Field id="clientId" label="Application id" hint="Developer Portal → your application → General Information." errors={errors?.clientId}>
        {(aria) => <Input {...aria} name="clientId" inputMode="numeric" defaultValue={state && !state.ok ? (state.values?.clientId ?? clientId) : clientId} />}
      </Field>
      <SubmitButton variant="secondary">Use my own bot</SubmitButton>
    </form>
  );
}
