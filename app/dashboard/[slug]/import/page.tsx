import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { PageLinks } from "@/components/ui/page-links";
import { requireUser } from "@/lib/auth/require-user";
import { stripe } from "@/lib/billing/stripe";
import { findManagedCommunity } from "@/lib/communities/owner-access";
import { withCommunity } from "@/lib/db/scopes";
import { importOverview } from "@/lib/imports/read";
import { appOrigin } from "@/lib/http/origin";
import { claimPath } from "@/lib/imports/claim-code";
import { COLUMN_NAMES } from "@/lib/imports/csv";
import { stripeCatalog, type CatalogPrice } from "@/lib/imports/stripe-import";
import { log } from "@/lib/observability/log";
import { CommunityHeader } from "../community-nav";
import { CsvImport, ImportRuns, StripeMapping } from "./import-forms";

export const metadata: Metadata = { title: "Import members" };

const PENDING_PAGE = 50;
const day = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" });

export default async function ImportPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<{ page?: string }> }) {
  const { slug } = await params;
  const user = await requireUser(`/dashboard/${slug}/import`);
  const community = await findManagedCommunity(slug, user, "manage");
  if (!community) notFound();
  const page = Math.max(0, Math.min(10_000, Number.parseInt((await searchParams).page ?? "0", 10) || 0));
  const { tiers, runs, pending, pendingCount } = await withCommunity(community.id, (tx) => importOverview(tx, page, PENDING_PAGE));
  // The account's catalog (outside the transaction); the page still shows without it.
  let catalog: CatalogPrice[] | null = null;
  if (community.stripeAccountId) {
    try {
      catalog = await stripeCatalog(
        stripe(),
        community.stripeAccountId,
        new Set(tiers.map((t) => t.stripePriceId).filter((p): p is string => !!p)),
        community.id,
      );
    } catch (error) {
      log.warn({ err: error }, "stripe catalog unavailable");
    }
  }
  const origin = await appOrigin();
  const recurringTiers = tiers.filter((t) => t.interval !== "once").map((t) => ({ id: t.id, name: t.name }));
  return (
    <div className="mx-auto max-w-6xl px-4 py-10 sm:px-6">
      <CommunityHeader community={community} current="import" />
      <div className="mt-8 space-y-6">
        <Card>
          <h2 className="text-lg font-semibold">From your Stripe account</h2>
          <p className="mt-1 text-sm text-slate-600">
            Subscriptions you already sell on the Stripe account connected to {community.name} (another platform&apos;s, or your own). Map each price to a tier;
            each live subscription becomes a membership waiting for its Discord account, claimed by its member with a link. Nobody is charged again, and our
            webhooks follow the subscriptions from then on.
          </p>
          {!community.stripeAccountId ? (
            <Alert tone="info" className="mt-4">
              Connect Stripe on the Payouts tab first.
            </Alert>
          ) : catalog === null ? (
            <Alert tone="error" className="mt-4">
              Stripe can&apos;t be reached right now, so your prices can&apos;t be listed. Try again in a moment.
            </Alert>
          ) : (
            <StripeMapping slug={community.slug} prices={catalog} tiers={recurringTiers} />
          )}
          <ImportRuns
            slug={community.slug}
            runs={runs.map((r) => ({
              id: r.id,
              status: r.status,
              seen: r.seen,
              imported: r.imported,
              skipped: r.skipped,
              error: r.error,
              startedAt: r.startedAt.toISOString(),
            }))}
          />
        </Card>
        <Card>
          <h2 className="text-lg font-semibold">From a CSV file</h2>
          <p className="mt-1 text-sm text-slate-600">
            Members and free access from a spreadsheet or another platform&apos;s export. Each row: a Discord id or an e-mail, a tier, and optionally a last
            day. The file is checked first; nothing is written unless every row is right.
          </p>
          <details className="mt-3 text-sm">
            <summary className="cursor-pointer font-medium">Columns we read, and exports of LaunchPass, Memberful and Patreon</summary>
            <ul className="mt-2 space-y-1 text-slate-600">
              <li>
                <strong>Who</strong>: {COLUMN_NAMES.discordUserId.map((c) => `“${c}”`).join(", ")}; or {COLUMN_NAMES.email.map((c) => `“${c}”`).join(", ")}.
              </li>
              <li>
                <strong>Tier</strong> (a tier&apos;s name here, any case): {COLUMN_NAMES.tier.map((c) => `“${c}”`).join(", ")}.
              </li>
              <li>
                <strong>Last day</strong> (optional, YYYY-MM-DD; empty: for good): {COLUMN_NAMES.until.map((c) => `“${c}”`).join(", ")}.
              </li>
              <li>
                <strong>Status</strong> (optional; former, cancelled, expired… rows are skipped): {COLUMN_NAMES.status.map((c) => `“${c}”`).join(", ")}.
              </li>
              <li>
                <strong>LaunchPass</strong> member export: “Discord ID”, “Email”, “Plan”, “Status”, “Expiration Date”. <strong>Memberful</strong> members
                export: “Email”, “Plan”, “Expiration date”. <strong>Patreon</strong> members CSV: “Email”, “Tier”, “Patron Status”, “Next Charge Date” (Patreon
                gives Discord names, not ids: members claim by e-mail). Rename a tier column&apos;s values or your tiers so they match.
              </li>
            </ul>
          </details>
          <CsvImport slug={community.slug} />
        </Card>
        <Card>
          <h2 className="text-lg font-semibold">Waiting to be claimed</h2>
          {pendingCount === 0 ? (
            <p className="mt-2 text-sm text-slate-500">
              Nobody. Imported members who have not linked their Discord account yet show here, with their claim link.
            </p>
          ) : (
            <>
              <p className="mt-1 text-sm text-slate-600">
                {pendingCount.toLocaleString("en-US")} imported {pendingCount === 1 ? "membership" : "memberships"} not claimed yet. Send each member their link
                (we e-mailed those with an address).
              </p>
              <ul className="mt-3 divide-y divide-slate-100 text-sm" aria-label="Waiting to be claimed">
                {pending.map((p) => (
                  <li key={p.id} className="py-2" data-testid="pending-claim">
                    <div className="flex flex-wrap items-center justify-between gap-2">
                      <span>
                        {p.email ?? p.discordUserId} · {p.tier.name} · from {p.source === "stripe" ? "Stripe" : "CSV"}
                      </span>
                      <span className="text-xs text-slate-500">{p.claimMailedAt ? `e-mailed ${day.format(p.claimMailedAt)}` : "not e-mailed"}</span>
                    </div>
                    <input
                      readOnly
                      aria-label={`Claim link for ${p.email ?? p.discordUserId}`}
                      className="mt-1 w-full rounded bg-slate-50 px-2 py-1 font-mono text-xs ring-1 ring-slate-200"
                      value={`${origin}${claimPath(community.slug, p.claimCode)}`}
                    />
                  </li>
                ))}
              </ul>
              <PageLinks
                label="Pages"
                previous={page > 0 ? { href: `?page=${page - 1}`, text: "← Newer" } : null}
                next={(page + 1) * PENDING_PAGE < pendingCount ? { href: `?page=${page + 1}`, text: "Older →" } : null}
              />
            </>
          )}
        </Card>
      </div>
    </div>
  );
}
