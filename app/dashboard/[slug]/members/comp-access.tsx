"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useActionState, useEffect, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Field, Input, Select } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { GIFT_GRANT_NOTE } from "@/lib/gifts/offer";
import { grantCompAction, revokeCompAction } from "./actions";

export type GrantView = {
  id: string;
  kind: string;
  tier: { name: string };
  until: string | null;
  note: string | null;
  createdAt: string;
  revokedAt: string | null;
};

const date = (iso: string) => new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" }).format(new Date(iso));

/** The member drawer's "Free access": tiers the owner gave, and a form to give one. */
export function CompAccess({
  slug,
  memberId,
  grants,
  tiers,
  active,
}: {
  slug: string;
  memberId: string;
  grants: GrantView[];
  tiers: { id: string; name: string }[];
  active: boolean;
}) {
  const [granted, grantAction] = useActionState(grantCompAction, null);
  const [revoked, revokeAction] = useActionState(revokeCompAction, null);
  const queryClient = useQueryClient();
  // The drawer and the list re-read the member after either change.
  useEffect(() => {
    if (!granted?.ok && !revoked?.ok) return;
    void queryClient.invalidateQueries({ queryKey: ["members", slug] });
    void queryClient.invalidateQueries({ queryKey: ["member", slug, memberId] });
  }, [granted, revoked, queryClient, slug, memberId]);
  const errors = granted && !granted.ok ? granted.fieldErrors : undefined;
  // After a refused grant, what the owner typed, not the empty form (React resets it).
  const echoed = granted && !granted.ok ? granted.values : undefined;
  // The moment the drawer opened: which grants are still in force.
  const [now] = useState(() => Date.now());
  const current = grants.filter((g) => !g.revokedAt && (!g.until || new Date(g.until).getTime() > now));
  const inForce = current.filter((g) => g.kind === "comp");
  // Passes and claimed gifts were paid for: shown, not revoked here (a refund on Payments ends them).
  const paid = current.filter((g) => g.kind !== "comp");

  return (
    <>
      {paid.length > 0 && (
        <section aria-labelledby="paid-access-title" className="mb-4">
          <h3 id="paid-access-title" className="font-medium">
            Paid access
          </h3>
          <ul className="mt-1 space-y-1" data-testid="paid-grants">
            {paid.map((g) => (
              <li key={g.id} className="rounded bg-slate-50 px-2 py-1">
                {g.tier.name} · {g.until ? `until ${date(g.until)}` : "for good"} · {g.note === GIFT_GRANT_NOTE ? "a gift they claimed" : "a pass they bought"}
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="comp-title">
        <h3 id="comp-title" className="font-medium">
          Free access
        </h3>
        {inForce.length === 0 ? (
          <p className="text-slate-500">None. Give a tier for free (a moderator, a partner, a prize): the bot grants its roles.</p>
        ) : (
          <ul className="mt-1 space-y-2" data-testid="comp-grants">
            {inForce.map((g) => (
              <li key={g.id} className="flex flex-wrap items-center justify-between gap-2 rounded bg-emerald-50 px-2 py-1">
                <span>
                  {g.tier.name} · {g.until ? `until ${date(g.until)}` : "for good"}
                  {g.note ? ` · “${g.note}”` : ""}
                </span>
                <form action={revokeAction}>
                  <input type="hidden" name="communitySlug" value={slug} />
                  <input type="hidden" name="memberId" value={memberId} />
                  <input type="hidden" name="grantId" value={g.id} />
                  <SubmitButton variant="ghost" size="sm" pendingLabel="Revoking…">
                    Revoke
                  </SubmitButton>
                </form>
              </li>
            ))}
          </ul>
        )}
        {revoked && !revoked.ok && (
          <Alert tone="error" className="mt-2">
            {revoked.error}
          </Alert>
        )}
        {revoked?.ok && (
          <Alert tone="success" className="mt-2">
            Free access revoked. The bot removes the tier&apos;s roles shortly.
          </Alert>
        )}
        {granted?.ok && (
          <Alert tone="success" className="mt-2">
            {granted.data.tier} given {granted.data.until ? `until ${date(granted.data.until)}` : "for good"}. The bot grants its roles shortly.
          </Alert>
        )}
        {active && tiers.length > 0 && (
          <form action={grantAction} className="mt-3 space-y-3 rounded-lg p-3 ring-1 ring-slate-200" noValidate>
            <input type="hidden" name="communitySlug" value={slug} />
            <input type="hidden" name="memberId" value={memberId} />
            {granted && !granted.ok && !errors && <Alert tone="error">{granted.error}</Alert>}
            <div className="grid gap-3 sm:grid-cols-2">
              <Field id={`comp-tier-${memberId}`} label="Tier" errors={errors?.tierId}>
                {(aria) => (
                  <Select {...aria} name="tierId" defaultValue={echoed?.tierId ?? tiers[0]!.id}>
                    {tiers.map((t) => (
                      <option key={t.id} value={t.id}>
                        {t.name}
                      </option>
                    ))}
                  </Select>
                )}
              </Field>
              <Field id={`comp-until-${memberId}`} label="Until (optional)" hint="Empty: for good." errors={errors?.until}>
                {(aria) => <Input {...aria} name="until" type="date" defaultValue={echoed?.until ?? ""} />}
              </Field>
            </div>
            <Field id={`comp-note-${memberId}`} label="Note (optional)" errors={errors?.note}>
              {(aria) => <Input {...aria} name="note" maxLength={500} placeholder="e.g. moderator since March" defaultValue={echoed?.note ?? ""} />}
            </Field>
            <SubmitButton size="sm" variant="secondary" pendingLabel="Giving…">
              Give free access
            </SubmitButton>
          </form>
        )}
      </section>
    </>
  );
}
