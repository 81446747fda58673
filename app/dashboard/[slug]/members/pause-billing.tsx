"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useActionState, useEffect, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field, Select } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { pauseSubscriptionAction, resumeSubscriptionAction } from "./actions";

const date = (iso: string) => new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" }).format(new Date(iso));

type Subscription = { id: string; tierName: string; collectionPaused: boolean; pausable: boolean };

/**
 * The member drawer's pause for one subscription: two steps, since the member's
 * paid roles go as soon as Stripe confirms; "Resume billing now" while paused.
 */
export function PauseBilling({ slug, memberId, subscription, name }: { slug: string; memberId: string; subscription: Subscription; name: string }) {
  const [paused, pauseAction] = useActionState(pauseSubscriptionAction, null);
  const [resumed, resumeAction] = useActionState(resumeSubscriptionAction, null);
  const [confirming, setConfirming] = useState(false);
  const queryClient = useQueryClient();
  // Stripe confirms at once; our rows follow its webhook a moment later. The drawer
  // re-reads the member until they show the change (10 s at most), then the list.
  useEffect(() => {
    const collectionPaused = paused?.ok ? true : resumed?.ok ? false : null;
    if (collectionPaused === null) return;
    let stopped = false;
    void (async () => {
      for (let attempt = 0; attempt < 20 && !stopped; attempt++) {
        await queryClient.invalidateQueries({ queryKey: ["member", slug, memberId] });
        const detail = queryClient.getQueryData<{ subscriptions: Subscription[] }>(["member", slug, memberId]);
        if (detail?.subscriptions.find((s) => s.id === subscription.id)?.collectionPaused === collectionPaused) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      if (!stopped) void queryClient.invalidateQueries({ queryKey: ["members", slug] });
    })();
    return () => {
      stopped = true;
    };
  }, [paused, resumed, queryClient, slug, memberId, subscription.id]);

  if (paused?.ok)
    return (
      <Alert tone="success" className="mt-1">
        Billing for {paused.data.tierName} is paused until {date(paused.data.resumesAt)}. The bot removes {name}&apos;s paid roles shortly; billing and roles
        come back then.
      </Alert>
    );
  if (resumed?.ok)
    return (
      <Alert tone="success" className="mt-1">
        Billing for {resumed.data.tierName} resumes: the bot gives {name}&apos;s roles back shortly, and the next charge is on the usual billing date.
      </Alert>
    );
  const hidden = (
    <>
      <input type="hidden" name="communitySlug" value={slug} />
      <input type="hidden" name="subscriptionId" value={subscription.id} />
    </>
  );
  if (subscription.collectionPaused)
    return (
      <form action={resumeAction} className="mt-1 space-y-2">
        {hidden}
        {resumed && !resumed.ok && <Alert tone="error">{resumed.error}</Alert>}
        <SubmitButton variant="secondary" size="sm" pendingLabel="Resuming…">
          Resume billing now
        </SubmitButton>
      </form>
    );
  if (!subscription.pausable) return null;
  if (!confirming)
    return (
      <Button variant="ghost" size="sm" className="mt-1" onClick={() => setConfirming(true)}>
        Pause billing…
      </Button>
    );
  return (
    <form action={pauseAction} className="mt-2 space-y-2 rounded-lg bg-amber-50 p-3 ring-1 ring-amber-200">
      {hidden}
      <p>
        Pause {name}&apos;s {subscription.tierName} billing? Stripe charges nothing until it ends, and the bot removes their paid roles until then. They keep
        their place in the tier.
      </p>
      {paused && !paused.ok && <Alert tone="error">{paused.error}</Alert>}
      <Field id={`pause-months-${subscription.id}`} label="Pause for" errors={paused && !paused.ok ? paused.fieldErrors?.months : undefined}>
        {(aria) => (
          <Select {...aria} name="months" defaultValue="1" className="w-auto">
            <option value="1">1 month</option>
            <option value="2">2 months</option>
            <option value="3">3 months</option>
          </Select>
        )}
      </Field>
      <div className="flex gap-2">
        <SubmitButton size="sm" pendingLabel="Pausing…">
          Pause billing
        </SubmitButton>
        <Button type="button" variant="ghost" size="sm" onClick={() => setConfirming(false)}>
          Keep billing
        </Button>
      </div>
    </form>
  );
}
