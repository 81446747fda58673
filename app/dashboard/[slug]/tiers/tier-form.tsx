"use client";

import { startTransition, useActionState, useRef, useState, type ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import { ScriptButton } from "@/components/ui/hydration";
import { Field, Input, Select, Textarea } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import type { GuildRole } from "@/lib/discord/guild-catalog";
import { echoedList } from "@/lib/actions/echoed";
import type { ServerRoleChoices } from "@/lib/tiers/discord-roles";
import { createTierAction, createTierRoleAction, updateTierAction } from "./actions";

export type TierValues = {
  tierId?: string;
  name: string;
  description: string;
  price: string;
  currency: string;
  interval: string;
  features: string;
  discordRoleId: string;
  extraRoleIds: string[];
  /** "<server id>:<role id>" per linked server with a role. */
  serverRoles: string[];
  maxMembers: string;
  trialDays: string;
  trialWithoutCard: boolean;
  accessDays: string;
  payWhatYouWant: boolean;
  suggestedPrice: string;
  currencyPrices: string;
};

export const EMPTY_TIER: TierValues = {
  name: "",
  description: "",
  price: "",
  currency: "USD",
  interval: "monthly",
  features: "",
  discordRoleId: "",
  extraRoleIds: [],
  serverRoles: [],
  maxMembers: "",
  trialDays: "0",
  trialWithoutCard: false,
  accessDays: "",
  payWhatYouWant: false,
  suggestedPrice: "",
  currencyPrices: "",
};

/** The server's roles, by name and colour; the ones the bot cannot hand out are shown, not offered. */
export type RoleChoices = { roles: GuildRole[] } | { unavailable: string };

function Swatch({ color }: { color: string | null }) {
  return <span aria-hidden="true" className="inline-block h-3 w-3 shrink-0 rounded-full ring-1 ring-slate-300" style={{ background: color ?? "#99aab5" }} />;
}

function RoleCheckbox({ name, value, checked, color, children }: { name: string; value: string; checked: boolean; color: string | null; children: ReactNode }) {
  return (
    <label className="flex items-center gap-2 text-sm">
      <input type="checkbox" name={name} value={value} defaultChecked={checked} className="h-4 w-4 rounded border-slate-300" />
      <Swatch color={color} /> {children}
    </label>
  );
}

/**
 * A server's roles as a select's options: "No role", the saved role even when it is gone or
 * the bot can't hand it out (so the form shows what is saved), the others only when it can.
 */
function RoleOptions({ roles, picked, saved, server }: { roles: GuildRole[]; picked: string; saved: string; server: string }) {
  return (
    <>
      <option value="">No role</option>
      {picked && !roles.some((r) => r.id === picked) && <option value={picked}>A role that is no longer in {server}</option>}
      {roles.map((r) => (
        <option key={r.id} value={r.id} disabled={!r.assignable && r.id !== saved}>
          {r.assignable ? r.name : `${r.name} — can't be handed out by the bot`}
        </option>
      ))}
    </>
  );
}

function RolePicker({
  slug,
  choices,
  value,
  extra,
  tierName,
  errors,
}: {
  slug: string;
  choices: RoleChoices;
  value: string;
  extra: string[];
  tierName: () => string;
  errors?: { main?: string[]; extra?: string[] };
}) {
  const [created, createAction, creating] = useActionState(createTierRoleAction, null);
  const [roles, setRoles] = useState("roles" in choices ? choices.roles : []);
  const [selected, setSelected] = useState(value);
  // A role just created joins the list and is picked (adjusted while rendering, not in an effect).
  const [seen, setSeen] = useState(created);
  if (created !== seen) {
    setSeen(created);
    if (created?.ok) {
      setRoles((current) => (current.some((r) => r.id === created.data.id) ? current : [created.data, ...current]));
      setSelected(created.data.id);
    }
  }

  if ("unavailable" in choices) {
    return (
      <div className="space-y-2">
        <p className="text-sm font-medium text-slate-900">Discord role</p>
        <Alert tone="info">{choices.unavailable}</Alert>
        {/* Keep what the tier has; it can't be checked or changed until the bot can see the server. */}
        <input type="hidden" name="discordRoleId" value={value} />
        {extra.map((id) => (
          <input key={id} type="hidden" name="extraRoleIds" value={id} />
        ))}
      </div>
    );
  }
  const current = roles.find((r) => r.id === selected);
  const blocked = roles.filter((r) => !r.assignable);
  return (
    <div className="space-y-3">
      <Field
        id="discordRoleId"
        label="Discord role"
        hint="The role this tier grants. Roles the bot can't hand out are listed but can't be picked."
        errors={errors?.main}
      >
        {(aria) => (
          <Select {...aria} name="discordRoleId" value={selected} onChange={(e) => setSelected(e.target.value)}>
            <RoleOptions roles={roles} picked={selected} saved={value} server="your server" />
          </Select>
        )}
      </Field>
      {current?.assignable && (
        <p className="flex items-center gap-2 text-sm text-slate-600" data-testid="picked-role">
          <Swatch color={current.color} /> Members of this tier get “{current.name}”.
        </p>
      )}
      {current && !current.assignable && (
        <p className="flex items-center gap-2 text-sm text-amber-800" data-testid="picked-role">
          <Swatch color={current.color} /> The bot can&apos;t hand out “{current.name}”: pick another role, create one below, or drag the bot&apos;s role above
          it in Server Settings → Roles.
        </p>
      )}
      <div className="flex flex-wrap items-center gap-3">
        {/* Not a submit: the tier form keeps what was typed while the role is made. */}
        <ScriptButton
          variant="secondary"
          size="sm"
          disabled={creating}
          onClick={() => {
            const data = new FormData();
            data.set("communitySlug", slug);
            data.set("name", tierName());
            startTransition(() => createAction(data));
          }}
        >
          {creating ? "Creating…" : "Create a role for this tier"}
        </ScriptButton>
        {created && !created.ok && (
          <span role="alert" className="text-sm text-rose-700">
            {created.error}
          </span>
        )}
        {created?.ok && (
          <span role="status" className="text-sm text-emerald-700">
            Created “{created.data.name}” in your server, below the bot&apos;s role.
          </span>
        )}
      </div>
      {blocked.length > 0 && (
        <details className="text-xs text-slate-500">
          <summary className="cursor-pointer">Why can&apos;t some roles be picked?</summary>
          <ul className="mt-1 list-disc space-y-1 pl-5">
            {blocked.map((r) => (
              <li key={r.id}>
                “{r.name}” {r.reason}.
              </li>
            ))}
          </ul>
        </details>
      )}
      {roles.some((r) => r.assignable && r.id !== selected) && (
        <fieldset>
          <legend className="text-sm font-medium text-slate-900">More roles (optional)</legend>
          <div className="mt-2 grid gap-1 sm:grid-cols-2">
            {roles
              .filter((r) => r.assignable && r.id !== selected)
              .map((r) => (
                <RoleCheckbox key={r.id} name="extraRoleIds" value={r.id} checked={extra.includes(r.id)} color={r.color}>
                  {r.name}
                </RoleCheckbox>
              ))}
          </div>
          {errors?.extra && <p className="mt-1.5 text-sm text-rose-600">More roles {errors.extra.join("; ")}</p>}
        </fieldset>
      )}
    </div>
  );
}

/**
 * Roles in each linked server (Pro): members of the tier get them there too. The
 * saved ones stay listed even when gone or out of the bot's reach, so the form
 * shows what is saved (saving then says what to fix).
 */
function ServerRolePickers({ servers, values, errors }: { servers: ServerRoleChoices; values: string[]; errors?: string[] }) {
  if (servers.length === 0) return null;
  return (
    <fieldset className="rounded-xl p-4 ring-1 ring-slate-200">
      <legend className="px-1 text-sm font-medium">Roles in your other servers</legend>
      <div className="space-y-4">
        {servers.map((server) => {
          const value = (roleId: string) => `${server.guildId}:${roleId}`;
          const saved = values.filter((v) => v.startsWith(`${server.guildId}:`));
          if ("unavailable" in server) {
            return (
              <div key={server.guildId} className="space-y-1">
                <p className="text-sm font-medium text-slate-900">{server.name}</p>
                <Alert tone="info">{server.unavailable}</Alert>
                {saved.map((v) => (
                  <input key={v} type="hidden" name="serverRoles" value={v} />
                ))}
              </div>
            );
          }
          const listed = server.roles.filter((r) => r.assignable || saved.includes(value(r.id)));
          const gone = saved.filter((v) => !server.roles.some((r) => value(r.id) === v));
          return (
            <fieldset key={server.guildId}>
              <legend className="text-sm font-medium text-slate-900">Roles in {server.name}</legend>
              {listed.length === 0 && gone.length === 0 ? (
                <p className="mt-1 text-sm text-slate-500">The bot can&apos;t hand out any role there yet: drag its role above the ones to give.</p>
              ) : (
                <div className="mt-2 grid gap-1 sm:grid-cols-2">
                  {listed.map((r) => (
                    <RoleCheckbox key={r.id} name="serverRoles" value={value(r.id)} checked={saved.includes(value(r.id))} color={r.color}>
                      {r.assignable ? r.name : `${r.name} — can't be handed out by the bot`}
                    </RoleCheckbox>
                  ))}
                  {gone.map((v) => (
                    <RoleCheckbox key={v} name="serverRoles" value={v} checked color={null}>
                      A role that is no longer in {server.name}
                    </RoleCheckbox>
                  ))}
                </div>
              )}
            </fieldset>
          );
        })}
        {errors && (
          <p className="text-sm text-rose-600" role="alert">
            Roles in your other servers: {errors.join("; ")}
          </p>
        )}
      </div>
    </fieldset>
  );
}

export function TierForm({ slug, values, roles, servers = [] }: { slug: string; values: TierValues; roles: RoleChoices; servers?: ServerRoleChoices }) {
  const [state, formAction] = useActionState(values.tierId ? updateTierAction : createTierAction, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const echoed = state && !state.ok ? state.values : undefined;
  const v = (name: Exclude<keyof TierValues, "extraRoleIds" | "serverRoles" | "trialWithoutCard" | "payWhatYouWant">) => echoed?.[name] ?? values[name] ?? "";
  // A pass (one payment) asks how long it lasts and whether members name their price.
  const [billing, setBilling] = useState(v("interval"));
  const nameRef = useRef<HTMLInputElement>(null);

  return (
    <form action={formAction} className="space-y-6" noValidate>
      <input type="hidden" name="communitySlug" value={slug} />
      {values.tierId && <input type="hidden" name="tierId" value={values.tierId} />}
      {state && !state.ok && <Alert tone="error">{state.error}</Alert>}
      <Field id="name" label="Tier name" errors={errors?.name}>
        {(aria) => <Input {...aria} ref={nameRef} name="name" defaultValue={v("name")} maxLength={100} required />}
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
            <Select {...aria} name="interval" value={billing} onChange={(e) => setBilling(e.target.value)}>
              <option value="monthly">Monthly</option>
              <option value="yearly">Yearly</option>
              <option value="once">One payment (a pass)</option>
            </Select>
          )}
        </Field>
      </div>
      <Field
        id="currencyPrices"
        label="Other currencies (optional)"
        hint="A line each, e.g. EUR 9.00. Members see the price in their currency (or pick it) and pay in it."
        errors={errors?.currencyPrices}
      >
        {(aria) => (
          <Textarea {...aria} name="currencyPrices" defaultValue={v("currencyPrices")} className="min-h-16 font-mono" placeholder={"EUR 9.00\nGBP 8.00"} />
        )}
      </Field>
      <Field id="description" label="Description" errors={errors?.description}>
        {(aria) => <Textarea {...aria} name="description" defaultValue={v("description")} maxLength={1000} />}
      </Field>
      <Field id="features" label="Features" hint="One per line; shown on your public page." errors={errors?.features}>
        {(aria) => <Textarea {...aria} name="features" defaultValue={v("features")} />}
      </Field>
      <RolePicker
        slug={slug}
        choices={roles}
        value={v("discordRoleId")}
        extra={echoedList(state, "extraRoleIds") ?? values.extraRoleIds}
        tierName={() => nameRef.current?.value ?? ""}
        errors={{ main: errors?.discordRoleId, extra: errors?.extraRoleIds }}
      />
      <ServerRolePickers servers={servers} values={echoedList(state, "serverRoles") ?? values.serverRoles} errors={errors?.serverRoles} />
      <div className="grid gap-6 sm:grid-cols-2">
        <Field id="maxMembers" label="Member cap" hint="Optional. At the cap the tier shows “sold out”." errors={errors?.maxMembers}>
          {(aria) => <Input {...aria} name="maxMembers" type="number" min={1} defaultValue={v("maxMembers")} />}
        </Field>
        <Field id="trialDays" label="Free trial (days)" errors={errors?.trialDays}>
          {(aria) => <Input {...aria} name="trialDays" type="number" min={0} max={730} defaultValue={v("trialDays")} />}
        </Field>
      </div>
      {billing === "once" && (
        <fieldset className="space-y-4 rounded-xl p-4 ring-1 ring-slate-200">
          <legend className="px-1 text-sm font-medium">The pass</legend>
          <Field id="accessDays" label="Access for (days)" hint="Empty: for life." errors={errors?.accessDays}>
            {(aria) => <Input {...aria} name="accessDays" type="number" min={1} max={3650} defaultValue={v("accessDays")} className="w-32" />}
          </Field>
          <label className="flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              name="payWhatYouWant"
              defaultChecked={echoed ? echoed.payWhatYouWant === "on" : values.payWhatYouWant}
              className="h-4 w-4 rounded border-slate-300"
            />
            Pay what you want (the price above is the minimum)
          </label>
          {errors?.payWhatYouWant && (
            <p className="text-sm text-rose-700" role="alert">
              Pay what you want {errors.payWhatYouWant.join(" ")}
            </p>
          )}
          <Field id="suggestedPrice" label="Suggested price (optional)" errors={errors?.suggestedPrice}>
            {(aria) => <Input {...aria} name="suggestedPrice" inputMode="decimal" defaultValue={v("suggestedPrice")} className="w-32" />}
          </Field>
        </fieldset>
      )}
      <div>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            name="trialWithoutCard"
            aria-describedby="trialWithoutCard-hint"
            defaultChecked={echoed ? echoed.trialWithoutCard === "on" : values.trialWithoutCard}
            className="h-4 w-4 rounded border-slate-300"
          />
          Members start the trial without a card
        </label>
        <p id="trialWithoutCard-hint" className="mt-1 text-xs text-slate-500">
          If they add none before it ends, Stripe cancels the trial and the roles go.
        </p>
        {errors?.trialWithoutCard && (
          <p className="mt-1 text-sm text-rose-700" role="alert">
            Trial without a card {errors.trialWithoutCard.join(" ")}
          </p>
        )}
      </div>
      <SubmitButton>{values.tierId ? "Save tier" : "Create tier"}</SubmitButton>
    </form>
  );
}
