"use client";

import { useActionState, useState } from "react";
import { Button } from "@/components/ui/button";
import { ScriptButton } from "@/components/ui/hydration";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Select } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { checkServerAction, linkServerAction, unlinkServerAction } from "./server-actions";

export type ServerRow = { id: string; guildId: string; name: string; problem: string | null };
export type Candidate = { id: string; name: string; addBotHref: string };

/** A linked server: its state, "Check again" and "Unlink". */
export function LinkedServerRow({ slug, server, problemText }: { slug: string; server: ServerRow; problemText: string | null }) {
  const [checked, checkAction] = useActionState(checkServerAction, null);
  const [unlinked, unlinkAction] = useActionState(unlinkServerAction, null);
  // Unlinking takes the server's roles off every tier: asked twice.
  const [confirming, setConfirming] = useState(false);
  return (
    <li className="space-y-2 py-3" data-testid={`linked-server-${server.guildId}`}>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex items-center gap-2">
          <span className="font-medium">{server.name}</span>
          {server.problem ? <Badge tone="warning">Bot can&apos;t reach it</Badge> : <Badge tone="success">Linked</Badge>}
        </div>
        <div className="flex gap-2">
          <form action={checkAction}>
            <input type="hidden" name="communitySlug" value={slug} />
            <input type="hidden" name="serverId" value={server.id} />
            <SubmitButton size="sm" variant="secondary" pendingLabel="Checking…" aria-label={`Check ${server.name} again`}>
              Check again
            </SubmitButton>
          </form>
          {!confirming && (
            <ScriptButton size="sm" variant="secondary" onClick={() => setConfirming(true)} aria-label={`Unlink ${server.name}`}>
              Unlink
            </ScriptButton>
          )}
        </div>
      </div>
      {confirming && (
        <form action={unlinkAction} className="flex flex-wrap items-center gap-2 rounded-lg bg-amber-50 p-3 text-sm text-amber-900">
          <input type="hidden" name="communitySlug" value={slug} />
          <input type="hidden" name="serverId" value={server.id} />
          <span>Unlink {server.name}? Its roles leave every tier; roles already given there stay.</span>
          <SubmitButton size="sm" pendingLabel="Unlinking…">
            Unlink {server.name}
          </SubmitButton>
          <Button type="button" size="sm" variant="ghost" onClick={() => setConfirming(false)}>
            Keep it
          </Button>
        </form>
      )}
      {server.problem && problemText && <p className="text-xs text-amber-800">{problemText} Roles there are not synced until “Check again” succeeds.</p>}
      {checked?.ok && (
        <p role="status" className={`text-sm ${checked.data.ok ? "text-emerald-700" : "text-rose-700"}`}>
          {checked.data.message}
        </p>
      )}
      {checked && !checked.ok && (
        <p role="alert" className="text-sm text-rose-700">
          {checked.error}
        </p>
      )}
      {unlinked && !unlinked.ok && (
        <p role="alert" className="text-sm text-rose-700">
          {unlinked.error}
        </p>
      )}
    </li>
  );
}

/** "Link another server": the owner's servers where they may manage, the bot added first where it is missing. */
export function LinkServerForm({ slug, candidates }: { slug: string; candidates: Candidate[] }) {
  const [state, formAction] = useActionState(linkServerAction, null);
  const picked = state && !state.ok ? state.values?.guildId : undefined;
  const missing = state && !state.ok && state.code === "bot_missing" ? candidates.find((c) => c.id === picked) : undefined;
  return (
    <form action={formAction} className="space-y-3">
      <input type="hidden" name="communitySlug" value={slug} />
      <label htmlFor="link-guild" className="block text-sm font-medium text-slate-900">
        Link another of your servers
      </label>
      <div className="flex flex-wrap gap-2">
        <Select id="link-guild" name="guildId" defaultValue={picked ?? ""} required className="min-w-0 flex-1">
          <option value="" disabled>
            Pick a server
          </option>
          {candidates.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </Select>
        <SubmitButton pendingLabel="Linking…">Link server</SubmitButton>
      </div>
      {state?.ok && <Alert tone="success">{state.data.name} is linked. Give tiers a role there on the Tiers tab.</Alert>}
      {state && !state.ok && (
        <Alert tone="error">
          {state.error}{" "}
          {missing && (
            <a href={missing.addBotHref} className="font-medium underline">
              Add the bot to {missing.name}
            </a>
          )}
        </Alert>
      )}
    </form>
  );
}
