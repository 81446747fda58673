"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { checkBotAction, fixDriftAction, scanDriftAction } from "./actions";

export function CheckBot({ slug }: { slug: string }) {
  const [state, formAction] = useActionState(checkBotAction, null);
  return (
    <form action={formAction} className="space-y-3">
      <input type="hidden" name="communitySlug" value={slug} />
      <SubmitButton variant="secondary" pendingLabel="Checking…">
        Check bot
      </SubmitButton>
      {state && !state.ok && <Alert tone="error">{state.error}</Alert>}
      {state?.ok && state.data.ok && <Alert tone="success">{state.data.botName} is in your server, can manage roles and sits above every tier role.</Alert>}
      {state?.ok && !state.data.ok && (
        <Alert tone="error">
          <p className="font-medium">The bot needs attention:</p>
          <ul className="mt-1 list-disc pl-5">
            {state.data.problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        </Alert>
      )}
    </form>
  );
}

export function ScanDrift({ slug }: { slug: string }) {
  const [state, formAction] = useActionState(scanDriftAction, null);
  return (
    <form action={formAction} className="flex flex-wrap items-center gap-3">
      <input type="hidden" name="communitySlug" value={slug} />
      <SubmitButton variant="secondary" pendingLabel="Starting…">
        Scan now
      </SubmitButton>
      {state?.ok && (
        <span role="status" className="text-sm text-slate-600">
          Scan started: every member is being compared with Discord. Reload in a moment.
        </span>
      )}
      {state && !state.ok && (
        <span role="alert" className="text-sm text-rose-700">
          {state.error}
        </span>
      )}
    </form>
  );
}

export function FixDrift({ slug, memberId, name }: { slug: string; memberId: string; name: string }) {
  const [state, formAction] = useActionState(fixDriftAction, null);
  return (
    <form action={formAction} className="flex flex-col items-end gap-1">
      <input type="hidden" name="communitySlug" value={slug} />
      <input type="hidden" name="memberId" value={memberId} />
      <SubmitButton size="sm" pendingLabel="Fixing…" aria-label={`Fix roles of ${name}`}>
        Fix
      </SubmitButton>
      {state && !state.ok && (
        <span role="alert" className="max-w-xs text-right text-xs text-rose-700">
          {state.error}
        </span>
      )}
    </form>
  );
}
