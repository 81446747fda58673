"use client";

import { useActionState } from "react";
import { echoedList } from "@/lib/actions/echoed";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Field, Input } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { deliveryStatus } from "@/lib/billing/status-display";
import { addEndpointAction, deleteEndpointAction, resendDeliveryAction, revealSecretAction, sendTestEventAction, setEndpointActiveAction } from "./actions";

type Attempt = { at: string; status: number | null; error: string | null; ms: number };
type DeliveryView = {
  id: string;
  eventType: string;
  status: string;
  attempts: number;
  responseStatus: number | null;
  attemptLog: Attempt[];
  createdAt: string;
  lastAttemptAt: string | null;
};
type EndpointView = { id: string; url: string; description: string | null; events: string[]; active: boolean; createdAt: string; deliveries: DeliveryView[] };

const when = (iso: string) => new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "medium", timeZone: "UTC" }).format(new Date(iso)) + " UTC";

export function Webhooks({ slug, endpoints, eventTypes }: { slug: string; endpoints: EndpointView[]; eventTypes: { type: string; does: string }[] }) {
  const [added, add] = useActionState(addEndpointAction, null);
  const errors = added && !added.ok ? added.fieldErrors : undefined;
  const echoed = added && !added.ok ? added.values : undefined;
  return (
    <div className="mt-4 space-y-5">
      {added?.ok && (
        <div className="rounded-lg bg-emerald-50 p-4 text-sm ring-1 ring-emerald-200" role="status">
          <p className="font-medium">Endpoint added. Its signing secret (also under “Show secret”):</p>
          <code className="mt-2 block break-all rounded bg-white px-2 py-1 font-mono text-xs ring-1 ring-slate-200" data-testid="new-webhook-secret">
            {added.data.secret}
          </code>
        </div>
      )}
      {endpoints.length === 0 ? (
        <p className="text-sm text-slate-500">No endpoints yet. Add one to hear about new members, lapses and payments as they happen.</p>
      ) : (
        <ul className="space-y-4" aria-label="Webhook endpoints">
          {endpoints.map((e) => (
            <EndpointCard key={e.id} slug={slug} endpoint={e} />
          ))}
        </ul>
      )}
      <form action={add} className="space-y-3 rounded-lg p-3 ring-1 ring-slate-200" noValidate>
        <input type="hidden" name="communitySlug" value={slug} />
        <h3 className="font-medium">Add an endpoint</h3>
        {added && !added.ok && !errors && <Alert tone="error">{added.error}</Alert>}
        <Field id="hook-url" label="URL" errors={errors?.url}>
          {(aria) => <Input {...aria} name="url" type="url" placeholder="https://example.com/hooks/communityos" defaultValue={echoed?.url ?? ""} />}
        </Field>
        <Field id="hook-description" label="Description (optional)" errors={errors?.description}>
          {(aria) => <Input {...aria} name="description" maxLength={200} defaultValue={echoed?.description ?? ""} />}
        </Field>
        <fieldset>
          <legend className="text-sm font-medium">Events</legend>
          <p className="text-xs text-slate-500">None ticked: every event, including ones we add later.</p>
          {errors?.events && <p className="text-sm text-red-700">{errors.events.join(" ")}</p>}
          <div className="mt-2 grid gap-2 sm:grid-cols-2">
            {eventTypes.map((t) => (
              <label key={t.type} className="flex items-start gap-2 text-sm">
                <input type="checkbox" name="events" value={t.type} defaultChecked={echoedList(added, "events")?.includes(t.type)} className="mt-1" />
                <span>
                  <span className="font-mono text-xs">{t.type}</span>
                  <span className="block text-xs text-slate-500">{t.does}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <SubmitButton pendingLabel="Adding…">Add endpoint</SubmitButton>
      </form>
    </div>
  );
}

function EndpointCard({ slug, endpoint: e }: { slug: string; endpoint: EndpointView }) {
  const [secret, reveal] = useActionState(revealSecretAction, null);
  const [tested, test] = useActionState(sendTestEventAction, null);
  const [toggled, toggle] = useActionState(setEndpointActiveAction, null);
  const [deleted, remove] = useActionState(deleteEndpointAction, null);
  const failure = [secret, tested, toggled, deleted].find((r) => r && !r.ok);
  const hidden = (
    <>
      <input type="hidden" name="communitySlug" value={slug} />
      <input type="hidden" name="endpointId" value={e.id} />
    </>
  );
  return (
    <li className="rounded-lg p-3 text-sm ring-1 ring-slate-200" data-testid="webhook-endpoint">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <span className="break-all font-mono text-xs">{e.url}</span>
        <Badge tone={e.active ? "success" : "neutral"}>{e.active ? "active" : "paused"}</Badge>
      </div>
      {e.description && <p className="mt-1 text-slate-600">{e.description}</p>}
      <p className="mt-1 text-xs text-slate-500">{e.events.length ? e.events.join(", ") : "every event"}</p>
      <div className="mt-2 flex flex-wrap gap-2">
        <form action={test}>
          {hidden}
          <SubmitButton size="sm" variant="secondary" pendingLabel="Sending…">
            Send test event
          </SubmitButton>
        </form>
        <form action={reveal}>
          {hidden}
          <SubmitButton size="sm" variant="ghost" pendingLabel="…">
            Show secret
          </SubmitButton>
        </form>
        <form action={toggle}>
          {hidden}
          <input type="hidden" name="active" value={e.active ? "false" : "true"} />
          <SubmitButton size="sm" variant="ghost" pendingLabel="Saving…">
            {e.active ? "Pause" : "Resume"}
          </SubmitButton>
        </form>
        <form action={remove}>
          {hidden}
          <SubmitButton size="sm" variant="ghost" pendingLabel="Deleting…">
            Delete
          </SubmitButton>
        </form>
      </div>
      {secret?.ok && (
        <code className="mt-2 block break-all rounded bg-slate-50 px-2 py-1 font-mono text-xs" data-testid="webhook-secret">
          {secret.data.secret}
        </code>
      )}
      {tested?.ok && (
        <Alert tone="success" className="mt-2">
          A ping is on its way; it shows below in a moment (reload).
        </Alert>
      )}
      {failure && !failure.ok && (
        <Alert tone="error" className="mt-2">
          {failure.error}
        </Alert>
      )}
      <h4 className="mt-3 text-xs font-semibold uppercase tracking-wide text-slate-500">Recent deliveries</h4>
      {e.deliveries.length === 0 ? (
        <p className="text-xs text-slate-500">None yet.</p>
      ) : (
        <ul className="mt-1 divide-y divide-slate-100" aria-label={`Deliveries to ${e.url}`}>
          {e.deliveries.map((d) => (
            <DeliveryRow key={d.id} slug={slug} delivery={d} />
          ))}
        </ul>
      )}
    </li>
  );
}

function DeliveryRow({ slug, delivery: d }: { slug: string; delivery: DeliveryView }) {
  const [resent, resend] = useActionState(resendDeliveryAction, null);
  const last = d.attemptLog.at(-1);
  return (
    <li className="py-2" data-testid="webhook-delivery">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <span>
          <span className="font-mono text-xs">{d.eventType}</span> <Badge tone={deliveryStatus(d.status).tone}>{deliveryStatus(d.status).label}</Badge>
          <span className="ml-2 text-xs text-slate-500" data-testid="delivery-response">
            {last ? (last.status ? `HTTP ${last.status}` : last.error) : "not sent yet"} · {d.attempts} {d.attempts === 1 ? "attempt" : "attempts"} ·{" "}
            {when(d.createdAt)}
          </span>
        </span>
        <form action={resend}>
          <input type="hidden" name="communitySlug" value={slug} />
          <input type="hidden" name="deliveryId" value={d.id} />
          <SubmitButton size="sm" variant="ghost" pendingLabel="Resending…">
            Resend
          </SubmitButton>
        </form>
      </div>
      {d.attemptLog.length > 1 && (
        <details className="mt-1 text-xs text-slate-500">
          <summary>All attempts</summary>
          <ol className="ml-4 list-decimal">
            {d.attemptLog.map((a) => (
              <li key={a.at}>
                {when(a.at)}: {a.status ? `HTTP ${a.status}` : a.error} ({a.ms} ms)
              </li>
            ))}
          </ol>
        </details>
      )}
      {resent?.ok && <p className="text-xs text-emerald-700">Queued again.</p>}
      {resent && !resent.ok && <p className="text-xs text-red-700">{resent.error}</p>}
    </li>
  );
}
