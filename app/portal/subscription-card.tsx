"use client";

import { useActionState, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Field, Select } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { formatMoney } from "@/lib/utils/money";
import { cancelAtPeriodEndAction, manageBillingAction, previewSwitchAction, switchTierAction } from "./actions";

export type PortalSubscription = {
  id: string;
  tierName: string;
  status: string;
  renewsAt: string;
  cancelAtPeriodEnd: boolean;
  price: string | null;
  currency: string;
  interval: string | null;
  switchable: { id: string; name: string; price: string; currency: string; interval: string }[];
};

const dateFormat = new Intl.DateTimeFormat("en-US", { dateStyle: "medium" });
const tone = { active: "success", trialing: "success", past_due: "warning" } as const;

export function SubscriptionCard({ subscription }: { subscription: PortalSubscription }) {
  const [cancelState, cancelAction] = useActionState(cancelAtPeriodEndAction, null);
  const [billingState, billingAction] = useActionState(manageBillingAction, null);
  const [preview, previewAction] = useActionState(previewSwitchAction, null);
  const [switched, switchAction] = useActionState(switchTierAction, null);
  const [tierId, setTierId] = useState(subscription.switchable[0]?.id ?? "");
  // Stripe's answer shows at once; our own record follows when its webhook arrives.
  const ending = cancelState?.ok ? cancelState.data.cancelAtPeriodEnd : subscription.cancelAtPeriodEnd;
  const endsAt = cancelState?.ok && cancelState.data.endsAt ? cancelState.data.endsAt : subscription.renewsAt;
  const errors = [cancelState, billingState, preview, switched].filter((s) => s && !s.ok).map((s) => (s as { error: string }).error);

  return (
    <div className="space-y-4 rounded-xl p-4 ring-1 ring-slate-200" data-testid={`subscription-${subscription.tierName}`}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div>
          <p className="font-medium">{subscription.tierName}</p>
          <p className="text-sm text-slate-600">
            {subscription.price && `${formatMoney(subscription.price, subscription.currency)} / ${subscription.interval === "yearly" ? "year" : "month"} · `}
            {ending ? `Ends ${dateFormat.format(new Date(endsAt))}` : `Renews ${dateFormat.format(new Date(endsAt))}`}
          </p>
        </div>
        <Badge tone={tone[subscription.status as keyof typeof tone] ?? "neutral"}>{subscription.status.replace("_", " ")}</Badge>
      </div>
      {errors.map((error) => <Alert key={error} tone="error">{error}</Alert>)}
      {cancelState?.ok && (
        <Alert tone="success">
          {cancelState.data.cancelAtPeriodEnd
            ? `Your membership will end on ${dateFormat.format(new Date(endsAt))}. You keep access until then.`
            : "Your membership will renew as usual."}
        </Alert>
      )}
      {switched?.ok && <Alert tone="success">Switched to {switched.data.tierName}. Your roles update as soon as Stripe confirms it.</Alert>}

      <div className="flex flex-wrap gap-2">
        <form action={billingAction}>
          <input type="hidden" name="subscriptionId" value={subscription.id} />
          <SubmitButton variant="secondary" size="sm" pendingLabel="Opening…">Manage billing</SubmitButton>
        </form>
        <form action={cancelAction}>
          <input type="hidden" name="subscriptionId" value={subscription.id} />
          <input type="hidden" name="cancel" value={String(!ending)} />
          <SubmitButton variant="secondary" size="sm" pendingLabel="Saving…">{ending ? "Resume membership" : "Cancel at period end"}</SubmitButton>
        </form>
      </div>

      {subscription.switchable.length > 0 && (
        <div className="space-y-3 border-t border-slate-100 pt-4">
          <form action={previewAction} className="flex flex-wrap items-end gap-2">
            <input type="hidden" name="subscriptionId" value={subscription.id} />
            <div className="min-w-56">
              <Field id={`switch-${subscription.id}`} label="Switch tier">
                {(aria) => (
                  <Select {...aria} name="tierId" value={tierId} onChange={(e) => setTierId(e.target.value)}>
                    {subscription.switchable.map((t) => (
                      <option key={t.id} value={t.id}>{`${t.name} — ${formatMoney(t.price, t.currency)}/${t.interval === "yearly" ? "yr" : "mo"}`}</option>
                    ))}
                  </Select>
                )}
              </Field>
            </div>
            <SubmitButton variant="secondary" size="sm" pendingLabel="Calculating…">Preview change</SubmitButton>
          </form>
          {preview?.ok && preview.data.tierId === tierId && !switched?.ok && (
            <div className="rounded-lg bg-slate-50 p-3 text-sm" aria-live="polite">
              <p className="font-medium">Switching to {preview.data.tierName}</p>
              <ul className="mt-2 space-y-1 text-slate-600">
                {preview.data.lines.map((line) => (
                  <li key={line.description} className="flex justify-between gap-4"><span>{line.description}</span><span>{formatMoney(line.amount, preview.data.currency)}</span></li>
                ))}
              </ul>
              <p className="mt-2 flex justify-between font-medium"><span>Due now</span><span>{formatMoney(preview.data.amountDue, preview.data.currency)}</span></p>
              <form action={switchAction} className="mt-3">
                <input type="hidden" name="subscriptionId" value={subscription.id} />
                <input type="hidden" name="tierId" value={preview.data.tierId} />
                <SubmitButton size="sm" pendingLabel="Switching…">Confirm switch</SubmitButton>
              </form>
            </div>
          )}
        </div>
      )}
    </div>
  );
}
