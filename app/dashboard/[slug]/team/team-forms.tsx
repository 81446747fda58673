"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Field, Input, Select } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { changeStaffRoleAction, inviteStaffAction, removeStaffAction } from "./actions";

const ROLE_OPTIONS = [
  { value: "admin", label: "Admin" },
  { value: "moderator", label: "Moderator" },
  { value: "viewer", label: "Viewer" },
];

export function InviteForm({ slug, suggestions }: { slug: string; suggestions: { id: string; name: string }[] }) {
  const [state, action] = useActionState(inviteStaffAction, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const echoed = state && !state.ok ? state.values : undefined;
  return (
    <form action={action} className="space-y-4" noValidate>
      <input type="hidden" name="communitySlug" value={slug} />
      {state && !state.ok && !errors && <Alert tone="error">{state.error}</Alert>}
      {state?.ok && <Alert tone="success">Invited. They can open this community from their dashboard once they sign in with that Discord account.</Alert>}
      <Field
        id="staff-discord-id"
        label="Discord user ID"
        hint="Developer Mode in Discord, then right-click the person → Copy User ID. Members of your community are suggested."
        errors={errors?.discordUserId}
      >
        {(aria) => (
          <Input {...aria} name="discordUserId" inputMode="numeric" list="staff-suggestions" autoComplete="off" defaultValue={echoed?.discordUserId ?? ""} />
        )}
      </Field>
      <datalist id="staff-suggestions">
        {suggestions.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </datalist>
      <Field id="staff-label" label="Name (optional)" hint="How you know them, until they sign in." errors={errors?.label}>
        {(aria) => <Input {...aria} name="label" maxLength={100} defaultValue={echoed?.label ?? ""} />}
      </Field>
      <Field id="staff-role" label="Role" errors={errors?.role}>
        {(aria) => (
          <Select {...aria} name="role" defaultValue={echoed?.role ?? "moderator"}>
            {ROLE_OPTIONS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <SubmitButton pendingLabel="Inviting…">Invite</SubmitButton>
    </form>
  );
}

type StaffView = { id: string; name: string | null; discordUserId: string; role: string; since: string };

export function StaffRow({ slug, staff, editable }: { slug: string; staff: StaffView; editable: boolean }) {
  const [changed, changeAction] = useActionState(changeStaffRoleAction, null);
  const [removed, removeAction] = useActionState(removeStaffAction, null);
  if (removed?.ok) return <p className="text-slate-500">{staff.name ?? staff.discordUserId} was removed from the team.</p>;
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <span>
          <span className="font-medium">{staff.name ?? "Invited account"}</span> <span className="font-mono text-xs text-slate-500">{staff.discordUserId}</span>
          <span className="block text-xs text-slate-500">since {staff.since}</span>
        </span>
        {!editable && <Badge tone="neutral">{ROLE_OPTIONS.find((o) => o.value === staff.role)?.label ?? staff.role}</Badge>}
      </div>
      {editable && (
        <div className="flex flex-wrap items-end gap-2">
          <form action={changeAction} className="flex items-end gap-2">
            <input type="hidden" name="communitySlug" value={slug} />
            <input type="hidden" name="staffId" value={staff.id} />
            <label className="text-xs text-slate-600">
              <span className="sr-only">Role of {staff.name ?? staff.discordUserId}</span>
              <Select name="role" defaultValue={staff.role} aria-label={`Role of ${staff.name ?? staff.discordUserId}`}>
                {ROLE_OPTIONS.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </Select>
            </label>
            <SubmitButton size="sm" variant="secondary" pendingLabel="Saving…">
              Change role
            </SubmitButton>
          </form>
          <form action={removeAction}>
            <input type="hidden" name="communitySlug" value={slug} />
            <input type="hidden" name="staffId" value={staff.id} />
            <SubmitButton size="sm" variant="ghost" pendingLabel="Removing…">
              Remove
            </SubmitButton>
          </form>
        </div>
      )}
      {changed?.ok && <Alert tone="success">Role changed.</Alert>}
      {changed && !changed.ok && <Alert tone="error">{changed.error}</Alert>}
      {removed && !removed.ok && <Alert tone="error">{removed.error}</Alert>}
    </div>
  );
}
