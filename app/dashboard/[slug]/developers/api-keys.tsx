"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Field, Input, Select } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { createApiKeyAction, revokeApiKeyAction } from "./actions";

type KeyView = { id: string; name: string; hint: string; scope: string; createdAt: string; lastUsedAt: string | null; revokedAt: string | null };

const when = (iso: string) => new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(new Date(iso)) + " UTC";

export function ApiKeys({ slug, origin, keys }: { slug: string; origin: string; keys: KeyView[] }) {
  const [created, create] = useActionState(createApiKeyAction, null);
  const errors = created && !created.ok ? created.fieldErrors : undefined;
  return (
    <div className="mt-4 space-y-5">
      {created?.ok && (
        <div className="rounded-lg bg-emerald-50 p-4 text-sm ring-1 ring-emerald-200" role="status">
          <p className="font-medium">Your new key “{created.data.name}”. Copy it now: it is never shown again.</p>
          <code className="mt-2 block break-all rounded bg-white px-2 py-1 font-mono text-xs ring-1 ring-slate-200" data-testid="new-api-key">
            {created.data.key}
          </code>
          <p className="mt-2 text-slate-600">
            Try it:{" "}
            <code className="break-all text-xs">
              curl -H &quot;Authorization: Bearer {created.data.key}&quot; {origin}/api/v1/members
            </code>
          </p>
        </div>
      )}
      {keys.length === 0 ? (
        <p className="text-sm text-slate-500">No keys yet.</p>
      ) : (
        <ul className="divide-y divide-slate-100 text-sm" aria-label="API keys">
          {keys.map((k) => (
            <KeyRow key={k.id} slug={slug} apiKey={k} />
          ))}
        </ul>
      )}
      <form action={create} className="grid gap-3 rounded-lg p-3 ring-1 ring-slate-200 sm:grid-cols-[2fr_1fr_auto] sm:items-end" noValidate>
        <input type="hidden" name="communitySlug" value={slug} />
        <Field id="key-name" label="Name" hint="What will use it, e.g. “CRM sync”." errors={errors?.name}>
          {(aria) => <Input {...aria} name="name" maxLength={100} />}
        </Field>
        <Field id="key-scope" label="Access" errors={errors?.scope}>
          {(aria) => (
            <Select {...aria} name="scope" defaultValue="read">
              <option value="read">Read only</option>
              <option value="write">Read and write</option>
            </Select>
          )}
        </Field>
        <SubmitButton pendingLabel="Creating…">Create key</SubmitButton>
        {created && !created.ok && !errors && <Alert tone="error">{created.error}</Alert>}
      </form>
    </div>
  );
}

function KeyRow({ slug, apiKey: k }: { slug: string; apiKey: KeyView }) {
  const [revoked, revoke] = useActionState(revokeApiKeyAction, null);
  return (
    <li className="flex flex-wrap items-center justify-between gap-2 py-3" data-testid={`api-key-${k.name}`}>
      <span>
        <span className="font-medium">{k.name}</span> <span className="font-mono text-xs text-slate-500">cos_…{k.hint}</span>
        <span className="block text-xs text-slate-500">
          {k.scope === "write" ? "Read and write" : "Read only"} · created {when(k.createdAt)} ·{" "}
          {k.lastUsedAt ? `last used ${when(k.lastUsedAt)}` : "never used"}
        </span>
      </span>
      {k.revokedAt ? (
        <Badge tone="neutral">revoked</Badge>
      ) : (
        <form action={revoke}>
          <input type="hidden" name="communitySlug" value={slug} />
          <input type="hidden" name="keyId" value={k.id} />
          <SubmitButton size="sm" variant="ghost" pendingLabel="Revoking…">
            Revoke
          </SubmitButton>
        </form>
      )}
      {revoked && !revoked.ok && <Alert tone="error">{revoked.error}</Alert>}
    </li>
  );
}
