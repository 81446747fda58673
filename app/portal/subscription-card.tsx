"use client";

import { useActionState, useEffect, useRef, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ScriptButton } from "@/components/ui/hydration";
import { Dialog } from "@/components/ui/dialog";
import { Field, Select, Textarea } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import type { PortalSubscription } from "@/lib/billing/portal-read";
import { CANCELLATION_REASON_LABELS } from "@/lib/billing/cancellation-reasons";
import { memberStatus } from "@/lib/billing/status-display";
import { formatMoney } from "@/lib/billing/money";
import {
  acceptSaveOfferAction,
  cancelAtPeriodEndAction,
  manageBillingAction,
  pauseMembershipAction,
  previewSwitchAction,
  resumeMembershipAction,
  switchTierAction,
} from "./actions";

const dateFormat = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" });
const per = (interval: string | null) => (interval === "yearly" ? "year" : "month");

export function SubscriptionCard({ subscription, preselect }: { subscription: PortalSubscription; preselect?: string }) {
  const [cancelState, cancelAction] = useActionState(cancelAtPeriodEndAction, null);
  const [billingState, billingAction] = useActionState(manageBillingAction, null);
  const [preview, previewAction] = useActionState(previewSwitchAction, null);
  const [switched, switchAction] = useActionState(switchTierAction, null);
  const [saved, saveAction] = useActionState(acceptSaveOfferAction, null);
  const [pausedNow, pauseAction] = useActionState(pauseMembershipAction, null);
  const [resumed, resumeAction] = useActionState(resumeMembershipAction, null);
  const [tierId, setTierId] = useState(preselect ?? subscription.switchable.find((t) => !t.soldOut)?.id ?? "");
  const [confirming, setConfirming] = useState(false);
  const previewForm = useRef<HTMLFormElement>(null);
  const card = useRef<HTMLDivElement>(null);
  // Coming from "Switch" on a community page: show what switching costs at once.
  useEffect(() => {
    if (!preselect) return;
    card.current?.scrollIntoView({ block: "center" });
    previewForm.current?.requestSubmit();
  }, [preselect]);
  // A finished cancel, save or pause closes the confirmation (adjusted while rendering, not in an effect).
  const [settled, setSettled] = useState({ cancelState, saved, pausedNow });
  if (settled.cancelState !== cancelState || settled.saved !== saved || settled.pausedNow !== pausedNow) {
    setSettled({ cancelState, saved, pausedNow });
    if (cancelState?.ok || saved?.ok || pausedNow?.ok) setConfirming(false);
  }

  // Stripe's answer shows at once; our own record follows when its webhook arrives.
  const ending = saved?.ok ? false : cancelState?.ok ? cancelState.data.cancelAtPeriodEnd : subscription.cancelAtPeriodEnd;
  const endsAt = cancelState?.ok && cancelState.data.endsAt ? cancelState.data.endsAt : subscription.renewsAt;
  // A pause or resume asked for just now shows before its webhook updates our record.
  const paused = resumed?.ok ? null : pausedNow?.ok ? { until: pausedNow.data.resumesAt } : subscription.paused;
  const errors = [cancelState, billingState, preview, switched, resumed].filter((s) => s && !s.ok).map((s) => (s as { error: string }).error);
  const badge = memberStatus(resumed?.ok ? "active" : subscription.status);
  const chosen = subscription.switchable.find((t) => t.id === tierId);

  return (
    <div ref={card} className="space-y-4 rounded-xl p-4 ring-1 ring-slate-200" data-testid={`subscription-${subscription.tierName}`}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div>
          <p className="font-medium">{subscription.tierName}</p>
          <p className="text-sm text-slate-600">
            {subscription.price && `${formatMoney(subscription.price, subscription.currency)} / ${per(subscription.interval)} · `}
            {ending
              ? `Cancels on ${dateFormat.format(new Date(endsAt))}`
              : paused
                ? paused.until
                  ? `Paused · billing resumes ${dateFormat.format(new Date(paused.until))}`
                  : "Paused · billing resumes when you resume it"
                : `Renews ${dateFormat.format(new Date(endsAt))}`}
          </p>
        </div>
        {paused && !ending ? (
          <Badge tone="warning" data-testid="subscription-state">
            {paused.until ? `Paused until ${dateFormat.format(new Date(paused.until))}` : "Paused"}
          </Badge>
        ) : ending ? (
          <Badge tone="warning" data-testid="subscription-state">
            Cancels {dateFormat.format(new Date(endsAt))}
          </Badge>
        ) : (
          <Badge tone={badge.tone} data-testid="subscription-state">
            {badge.label}
          </Badge>
        )}
      </div>
      {errors.map((error) => (
        <Alert key={error} tone="error">
          {error}
        </Alert>
      ))}
      {cancelState?.ok && (
        <Alert tone="success">
          {cancelState.data.cancelAtPeriodEnd
            ? `Your membership is cancelled. It ends on ${dateFormat.format(new Date(endsAt))}; you keep access until then and won't be charged again.`
            : "Your membership will renew as usual."}
        </Alert>
      )}
      {saved?.ok && (
        <Alert tone="success">
          Thanks for staying! {saved.data.percent}% off is applied to your next {saved.data.months === 1 ? "payment" : `${saved.data.months} monthly payments`}.
        </Alert>
      )}
      {pausedNow?.ok && !resumed?.ok && (
        <Alert tone="success">
          Your membership is paused until {dateFormat.format(new Date(pausedNow.data.resumesAt))}. You won&apos;t be charged until then; your paid roles are
          removed now and come back when it resumes.
        </Alert>
      )}
      {resumed?.ok && <Alert tone="success">Welcome back! Your roles come back in a moment, and billing continues on your usual billing date.</Alert>}
      {switched?.ok && <Alert tone="success">Switched to {switched.data.tierName}. Your roles update as soon as Stripe confirms it.</Alert>}

      <div className="flex flex-wrap gap-2">
        <form action={billingAction}>
          <input type="hidden" name="subscriptionId" value={subscription.id} />
          <SubmitButton variant="secondary" size="sm" pendingLabel="Opening…">
            Manage billing
          </SubmitButton>
        </form>
        {paused && (
          <form action={resumeAction}>
            <input type="hidden" name="subscriptionId" value={subscription.id} />
            <SubmitButton variant="secondary" size="sm" pendingLabel="Resuming…">
              Resume now
            </SubmitButton>
          </form>
        )}
        {ending ? (
          <form action={cancelAction}>
            <input type="hidden" name="subscriptionId" value={subscription.id} />
            <input type="hidden" name="cancel" value="false" />
            <SubmitButton variant="secondary" size="sm" pendingLabel="Resuming…">
              Resume membership
            </SubmitButton>
          </form>
        ) : (
          <ScriptButton variant="ghost" size="sm" onClick={() => setConfirming(true)}>
            Cancel membership
          </ScriptButton>
        )}
      </div>

      <Dialog open={confirming} onClose={() => setConfirming(false)} title={`Cancel your ${subscription.tierName} membership?`}>
        {subscription.saveOffer && !saved?.ok && (
          <form action={saveAction} className="mb-4 space-y-2 rounded-lg bg-brand-50 p-3 text-sm ring-1 ring-brand-100" aria-label="Offer to stay">
            <input type="hidden" name="subscriptionId" value={subscription.id} />
            <p className="font-medium">
              Before you go: stay for {subscription.saveOffer.percent}% off your next{" "}
              {subscription.saveOffer.months === 1 ? "payment" : `${subscription.saveOffer.months} months`}.
            </p>
            {saved && !saved.ok && <Alert tone="error">{saved.error}</Alert>}
            <SubmitButton size="sm" pendingLabel="Applying…">
              Stay with {subscription.saveOffer.percent}% off
            </SubmitButton>
          </form>
        )}
        {subscription.pause && !paused && (
          <form action={pauseAction} className="mb-4 space-y-2 rounded-lg bg-slate-50 p-3 text-sm ring-1 ring-slate-200" aria-label="Pause instead">
            <input type="hidden" name="subscriptionId" value={subscription.id} />
            <p className="font-medium">Need a break? Pause instead: no charges, and your paid roles come back when it ends.</p>
            <div className="flex flex-wrap items-end gap-2">
              <Field id={`pause-${subscription.id}`} label="Pause for">
                {(aria) => (
                  <Select {...aria} name="months" defaultValue="1">
                    {Array.from({ length: subscription.pause!.maxMonths }, (_, i) => i + 1).map((months) => (
                      <option key={months} value={months}>
                        {months === 1 ? "1 month" : `${months} months`}
                      </option>
                    ))}
                  </Select>
                )}
              </Field>
              <SubmitButton variant="secondary" size="sm" pendingLabel="Pausing…">
                Pause instead
              </SubmitButton>
            </div>
            {pausedNow && !pausedNow.ok && <Alert tone="error">{pausedNow.error}</Alert>}
          </form>
        )}
        <form action={cancelAction} className="space-y-4">
          <input type="hidden" name="subscriptionId" value={subscription.id} />
          <input type="hidden" name="cancel" value="true" />
          <p className="text-sm text-slate-600">
            It ends on {dateFormat.format(new Date(subscription.renewsAt))}. You keep access until then and won&apos;t be charged again. You can resume any time
            before that.
          </p>
          <Field id={`reason-${subscription.id}`} label="Why are you leaving? (optional)">
            {(aria) => (
              <Select {...aria} name="reason" defaultValue="">
                <option value="">Prefer not to say</option>
                {Object.entries(CANCELLATION_REASON_LABELS).map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field id={`comment-${subscription.id}`} label="Anything the community should know? (optional)">
            {(aria) => <Textarea {...aria} name="comment" maxLength={500} className="min-h-20" />}
          </Field>
          {cancelState && !cancelState.ok && <Alert tone="error">{cancelState.error}</Alert>}
          <div className="flex flex-wrap justify-end gap-2">
            <Button type="button" variant="secondary" size="sm" onClick={() => setConfirming(false)}>
              Keep membership
            </Button>
            <SubmitButton size="sm" pendingLabel="Cancelling…" className="bg-rose-600 hover:bg-rose-700">
              Cancel at period end
            </SubmitButton>
          </div>
        </form>
      </Dialog>

      {subscription.switchable.length > 0 && (
        <div className="space-y-3 border-t border-slate-100 pt-4">
          <form ref={previewForm} action={previewAction} className="flex flex-wrap items-end gap-2">
            <input type="hidden" name="subscriptionId" value={subscription.id} />
            <div className="w-full min-w-0 sm:w-64">
              <Field id={`switch-${subscription.id}`} label="Switch tier">
                {(aria) => (
                  <Select {...aria} name="tierId" value={tierId} onChange={(e) => setTierId(e.target.value)}>
                    {subscription.switchable.map((t) => (
                      <option
                        key={t.id}
                        value={t.id}
                        disabled={t.soldOut}
                      >{`${t.name} — ${formatMoney(t.price, t.currency)}/${t.interval === "yearly" ? "yr" : "mo"}${t.soldOut ? " (sold out)" : ""}`}</option>
                    ))}
                  </Select>
                )}
              </Field>
            </div>
            <SubmitButton variant="secondary" size="sm" pendingLabel="Calculating…" disabled={!chosen || chosen.soldOut}>
              Preview change
            </SubmitButton>
          </form>
          {preview?.ok && preview.data.tierId === tierId && !switched?.ok && (
            <div className="rounded-lg bg-slate-50 p-3 text-sm" aria-live="polite">
              <p className="font-medium">Switching to {preview.data.tierName}</p>
              <ul className="mt-2 space-y-1 text-slate-600">
                {preview.data.lines.map((line) => (
                  <li key={line.description} className="flex justify-between gap-4">
                    <span>{line.description}</span>
                    <span className="tabular-nums">{formatMoney(line.amount, preview.data.currency)}</span>
                  </li>
                ))}
              </ul>
              <p className="mt-2 flex justify-between font-medium">
                <span>Due now</span>
                <span className="tabular-nums">{formatMoney(preview.data.amountDue, preview.data.currency)}</span>
              </p>
              <form action={switchAction} className="mt-3">
                <input type="hidden" name="subscriptionId" value={subscription.id} />
                <input type="hidden" name="tierId" value={preview.data.tierId} />
                <SubmitButton size="sm" pendingLabel="Switching…">
                  Confirm switch
                </SubmitButton>
              </form>
            </div>
          )}
        </div>
      )}
    </div>
  );
}
