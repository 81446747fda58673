"use client";

import { useRouter } from "next/navigation";
import { useActionState, useEffect } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Field, Input, Select } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { importCsvAction, previewCsvAction, resumeStripeImportAction, startStripeImportAction } from "./actions";

type Price = { id: string; product: string; amount: string | null; currency: string; interval: "monthly" | "yearly" | null; active: boolean };

export function StripeMapping({ slug, prices, tiers }: { slug: string; prices: Price[]; tiers: { id: string; name: string }[] }) {
  const [state, action] = useActionState(startStripeImportAction, null);
  // A refused start shows the owner's picks again (React resets the form after an action).
  const echoed = state && !state.ok ? state.values : undefined;
  if (prices.length === 0)
    return (
      <p className="mt-4 text-sm text-slate-500">
        Your Stripe account has no recurring prices besides the ones CommunityOS made for your tiers: nothing to import.
      </p>
    );
  return (
    <form action={action} className="mt-4 space-y-4">
      <input type="hidden" name="communitySlug" value={slug} />
      {state && !state.ok && <Alert tone="error">{state.error}</Alert>}
      {state?.ok && <Alert tone="success">Import started. Its progress shows below.</Alert>}
      {/* A row per price: the price, then what it becomes; stacked on a phone. */}
      <ul className="divide-y divide-slate-100 text-sm" aria-label="Prices on your Stripe account">
        {prices.map((p) => (
          <li key={p.id} className="grid gap-2 py-3 sm:grid-cols-[2fr_1fr_2fr] sm:items-center">
            <span>
              {p.product} {!p.active && <Badge tone="neutral">archived</Badge>}
              <span className="block font-mono text-xs text-slate-500">{p.id}</span>
            </span>
            <span>
              {p.amount ? `${p.amount} ${p.currency}` : "varies"}
              {p.interval ? ` / ${p.interval === "monthly" ? "month" : "year"}` : ""}
            </span>
            <Select name={`map[${p.id}]`} aria-label={`Tier for ${p.product} ${p.amount ?? ""} ${p.currency}`} defaultValue={echoed?.[`map[${p.id}]`] ?? ""}>
              <option value="">Skip</option>
              {tiers.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
              {p.amount && p.interval && <option value="new">New tier “{p.product}”</option>}
            </Select>
          </li>
        ))}
      </ul>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="sendEmails" defaultChecked={echoed ? echoed.sendEmails === "on" : true} /> E-mail each member their claim link (members
        without an e-mail at Stripe are listed below for you to send)
      </label>
      <SubmitButton pendingLabel="Starting…">Import subscriptions</SubmitButton>
    </form>
  );
}

type Run = { id: string; status: string; seen: number; imported: number; skipped: number; error: string | null; startedAt: string };

export function ImportRuns({ slug, runs }: { slug: string; runs: Run[] }) {
  const router = useRouter();
  const running = runs.some((r) => r.status === "running");
  const [resumed, resume] = useActionState(resumeStripeImportAction, null);
  // While a run goes on, the page re-reads its counts.
  useEffect(() => {
    if (!running && !resumed?.ok) return;
    const timer = setInterval(() => router.refresh(), 1500);
    return () => clearInterval(timer);
  }, [running, resumed, router]);
  if (runs.length === 0) return null;
  return (
    <section aria-labelledby="runs-title" className="mt-6">
      <h3 id="runs-title" className="font-medium">
        Imports
      </h3>
      <ul className="mt-2 divide-y divide-slate-100 text-sm" aria-label="Stripe imports">
        {runs.map((r) => (
          <li key={r.id} className="flex flex-wrap items-center justify-between gap-2 py-2" data-testid="import-run">
            <span aria-live="polite">
              <Badge tone={r.status === "done" ? "success" : r.status === "failed" ? "danger" : "warning"}>
                {r.status === "running" ? "importing…" : r.status}
              </Badge>{" "}
              {r.seen.toLocaleString("en-US")} subscriptions read · <strong data-testid="run-imported">{r.imported.toLocaleString("en-US")}</strong> imported ·{" "}
              {r.skipped.toLocaleString("en-US")} skipped
              {r.error && <span className="block text-xs text-red-700">{r.error}</span>}
            </span>
            {r.status === "failed" && (
              <form action={resume}>
                <input type="hidden" name="communitySlug" value={slug} />
                <input type="hidden" name="runId" value={r.id} />
                <SubmitButton size="sm" variant="secondary" pendingLabel="Resuming…">
                  Resume
                </SubmitButton>
              </form>
            )}
          </li>
        ))}
      </ul>
      {resumed && !resumed.ok && (
        <Alert tone="error" className="mt-2">
          {resumed.error}
        </Alert>
      )}
    </section>
  );
}

export function CsvImport({ slug }: { slug: string }) {
  const [preview, check] = useActionState(previewCsvAction, null);
  const [imported, apply] = useActionState(importCsvAction, null);
  const errors = preview && !preview.ok ? preview.fieldErrors : undefined;
  const data = preview?.ok ? preview.data : null;
  const failing = data?.rows.filter((r) => r.errors.length) ?? [];
  return (
    <div className="mt-4 space-y-4">
      <form action={check} className="flex flex-wrap items-end gap-3" noValidate>
        <input type="hidden" name="communitySlug" value={slug} />
        <Field id="csv-file" label="CSV file" errors={errors?.file}>
          {(aria) => <Input {...aria} name="file" type="file" accept=".csv,text/csv" />}
        </Field>
        <SubmitButton variant="secondary" pendingLabel="Checking…">
          Check file
        </SubmitButton>
      </form>
      {preview && !preview.ok && !errors && <Alert tone="error">{preview.error}</Alert>}
      {imported?.ok && (
        <Alert tone="success">
          Imported: {imported.data.granted} {imported.data.granted === 1 ? "member has" : "members have"} access now, {imported.data.waiting}{" "}
          {imported.data.waiting === 1 ? "waits" : "wait"} to claim theirs{imported.data.skipped ? `, ${imported.data.skipped} skipped` : ""}.
        </Alert>
      )}
      {imported && !imported.ok && <Alert tone="error">{imported.error}</Alert>}
      {data && !imported?.ok && (
        <div className="space-y-3" data-testid="csv-preview">
          {data.problem ? (
            <Alert tone="error">{data.problem}</Alert>
          ) : (
            <Alert tone="info">
              {data.toImport} {data.toImport === 1 ? "row" : "rows"} ready
              {data.rows.length > data.toImport ? `, ${data.rows.length - data.toImport} skipped` : ""}.
            </Alert>
          )}
          {data.rows.length > 0 && (
            <div className="max-h-96 overflow-auto">
              <table className="w-full text-left text-sm">
                <thead className="text-xs uppercase tracking-wide text-slate-500">
                  <tr>
                    <th className="py-1 pr-2">Line</th>
                    <th className="py-1 pr-2">Who</th>
                    <th className="py-1 pr-2">Tier</th>
                    <th className="py-1 pr-2">Until</th>
                    <th className="py-1">Check</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {(failing.length ? failing : data.rows).slice(0, 200).map((r) => (
                    <tr key={r.line} className={r.errors.length ? "bg-red-50" : undefined}>
                      <td className="py-1 pr-2">{r.line}</td>
                      <td className="py-1 pr-2">{r.discordUserId ?? r.email}</td>
                      <td className="py-1 pr-2">{r.tier}</td>
                      <td className="py-1 pr-2">{r.until ? r.until.slice(0, 10) : "—"}</td>
                      <td className="py-1">{r.errors.length ? r.errors.join("; ") : r.skipped ? `skipped: ${r.skipped}` : "ok"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {data.valid && data.toImport > 0 && (
            <form action={apply}>
              <input type="hidden" name="communitySlug" value={slug} />
              <input type="hidden" name="csv" value={data.csv} />
              <SubmitButton pendingLabel="Importing…">
                Import {data.toImport} {data.toImport === 1 ? "row" : "rows"}
              </SubmitButton>
            </form>
          )}
        </div>
      )}
    </div>
  );
}
