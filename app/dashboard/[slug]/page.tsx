import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { MembersChart, RevenueChart } from "@/components/charts/dashboard-charts";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { cn } from "@/lib/utils/cn";
import { overview, type Money, type Overview } from "@/lib/analytics/metrics";
import { requireUser } from "@/lib/auth/require-user";
import { findManagedCommunity } from "@/lib/communities/owner-access";
import { withCommunity } from "@/lib/db/scopes";
import { formatMoney } from "@/lib/billing/money";
import { onboardingChecklist } from "@/lib/communities/onboarding";
import { CANCELLATION_REASON_LABELS, type CancellationReason } from "@/lib/billing/cancellation-reasons";
import { openAlerts } from "@/lib/alerts/read";
import { CommunityHeader } from "./community-nav";

export const metadata: Metadata = { title: "Community overview" };

type Props = { params: Promise<{ slug: string }>; searchParams: Promise<{ created?: string }> };

const formatAmounts = (values: Money[]) => (values.length === 0 ? "—" : values.map((m) => formatMoney(m.amount, m.currency)).join(" + "));

/** A figure of the overview; with href, the whole card opens what it counts (the label is the link, stretched over the card). */
/** Who the paying count leaves out: past due (in their grace period) and paused members. */
function payingHint(o: Pick<Overview, "pastDueMembers" | "pausedMembers">): string {
  const left = [o.pastDueMembers > 0 && `${o.pastDueMembers} past due`, o.pausedMembers > 0 && `${o.pausedMembers} paused`].filter(Boolean);
  return left.length > 0 ? `Payment up to date; ${left.join(", ")} not counted` : "Payment up to date";
}

function Stat({ label, value, hint, href, testId }: { label: string; value: string; hint?: string; href?: string; testId: string }) {
  return (
    <Card className={cn("h-full p-4 sm:p-6", href && "relative has-[a:focus-visible]:ring-2 has-[a:focus-visible]:ring-brand-600 hover:ring-slate-300")}>
      <dt className="text-sm text-slate-600">
        {href ? (
          <Link href={href} className="after:absolute after:inset-0 after:rounded-2xl focus:outline-none">
            {label}
          </Link>
        ) : (
          label
        )}
      </dt>
      <dd className="mt-2 text-xl font-semibold break-words tabular-nums sm:text-2xl" data-testid={testId}>
        {value}
      </dd>
      {hint && <dd className="mt-1 text-xs text-slate-500">{hint}</dd>}
    </Card>
  );
}

export default async function CommunityOverviewPage({ params, searchParams }: Props) {
  const { slug } = await params;
  const user = await requireUser(`/dashboard/${slug}`);
  const community = await findManagedCommunity(slug, user);
  if (!community) notFound();
  const { created } = await searchParams;
  const [o, alerts, checklist] = await Promise.all([
    overview(community.id, (fn) => withCommunity(community.id, fn)),
    withCommunity(community.id, (tx) => openAlerts(tx)),
    onboardingChecklist(community),
  ]);
  const toDo = checklist.filter((step) => !step.done).length;
  const base = `/dashboard/${community.slug}`;
  const empty = o.payingMembers === 0 && o.revenueByMonth.every((m) => m.amount === 0);

  return (
    <div className="mx-auto max-w-6xl px-4 py-10 sm:px-6">
      <CommunityHeader community={community} current="overview" />
      {created && (
        <Alert tone="success" className="mt-6">
          Your community is ready. The steps below get your first member paying.
        </Alert>
      )}
      {toDo > 0 && (
        <Card className="mt-6" aria-labelledby="checklist-title">
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <h2 id="checklist-title" className="text-base font-semibold">
              Get ready for members
            </h2>
            <p className="text-sm text-slate-500">
              {checklist.length - toDo} of {checklist.length} done
            </p>
          </div>
          <ol className="mt-4 space-y-3" aria-label="Setup checklist">
            {checklist.map((step, i) => (
              <li key={step.key} className="flex items-start gap-3" data-testid={`step-${step.key}`} data-done={step.done}>
                <span
                  aria-hidden="true"
                  className={
                    step.done
                      ? "mt-0.5 grid h-6 w-6 shrink-0 place-items-center rounded-full bg-emerald-100 text-sm text-emerald-700"
                      : "mt-0.5 grid h-6 w-6 shrink-0 place-items-center rounded-full bg-slate-100 text-sm text-slate-600"
                  }
                >
                  {step.done ? "✓" : i + 1}
                </span>
                <div className="min-w-0">
                  <Link href={step.href} className={step.done ? "font-medium text-slate-500 line-through" : "font-medium text-brand-700 hover:underline"}>
                    {step.title}
                  </Link>
                  <span className="sr-only">{step.done ? " (done)" : " (to do)"}</span>
                  <p className="text-sm text-slate-600">{step.detail}</p>
                </div>
              </li>
            ))}
          </ol>
        </Card>
      )}
      {alerts.length > 0 && (
        <div className="mt-6 space-y-2" aria-label="Needs your attention">
          {alerts.map((a) => (
            <Alert key={a.id} tone={a.severity === "info" ? "info" : "error"}>
              <p className="font-medium">{a.title}</p>
              {a.detail && <p className="mt-1">{a.detail}</p>}
            </Alert>
          ))}
        </div>
      )}
      <dl className="mt-8 grid grid-cols-2 gap-3 sm:gap-4 lg:grid-cols-4">
        <Stat
          label="Monthly recurring revenue"
          value={formatAmounts(o.mrr)}
          hint="Active subscriptions, payment up to date; yearly as 1/12, trials not counted"
          testId="stat-mrr"
        />
        <Stat
          label="Paying members"
          value={o.payingMembers.toLocaleString("en-US")}
          hint={payingHint(o)}
          href={`${base}/members?status=active`}
          testId="stat-paying"
        />
        <Stat label="Revenue, last 30 days" value={formatAmounts(o.revenueLast30Days)} hint="Less refunds" href={`${base}/payments`} testId="stat-revenue" />
        <Stat
          label="Churn this month"
          value={`${(o.churnRate * 100).toFixed(1)}%`}
          hint={`${o.churnedThisMonth} canceled · ${o.newMembersThisMonth} new members`}
          testId="stat-churn"
        />
        <Stat
          label="Failed payments"
          value={String(o.failedPaymentsOpen)}
          hint="Members in their grace period"
          href={`${base}/payments?status=failed`}
          testId="stat-failed"
        />
        <Stat label="Open disputes" value={String(o.disputesOpen)} href={`${base}/payments?status=disputed`} testId="stat-disputes" />
        <Stat label="Role drift" value={String(o.driftOpen)} hint="Roles that disagree with payments" href={`${base}/bot`} testId="stat-drift" />
        <Stat
          label="At-risk MRR"
          value={formatAmounts(o.atRiskMrr)}
          hint="Past due, in the grace period: recovered if they pay"
          href={`${base}/members?status=past_due`}
          testId="stat-at-risk"
        />
      </dl>
      <section aria-labelledby="recovery-title" className="mt-8 grid gap-6 lg:grid-cols-2">
        <Card>
          <h2 id="recovery-title" className="text-base font-semibold">
            Payment recovery
          </h2>
          <p className="mt-1 text-xs text-slate-500">
            Members whose renewal failed get reminders with a link to pay (settings: grace, restricted stage, schedule).
          </p>
          <dl className="mt-4 grid grid-cols-3 gap-4">
            <div>
              <dt className="text-xs text-slate-600">In recovery</dt>
              <dd className="mt-1 text-lg font-semibold tabular-nums" data-testid="stat-in-recovery">
                {formatAmounts(o.recovery.inRecovery)}
              </dd>
              <dd className="text-xs text-slate-500">
                {o.recovery.inRecoveryCount} {o.recovery.inRecoveryCount === 1 ? "payment" : "payments"}
              </dd>
            </div>
            <div>
              <dt className="text-xs text-slate-600">Recovered, 30 days</dt>
              <dd className="mt-1 text-lg font-semibold tabular-nums" data-testid="stat-recovered">
                {formatAmounts(o.recovery.recoveredLast30Days)}
              </dd>
            </div>
            <div>
              <dt className="text-xs text-slate-600">Recovery rate, 90 days</dt>
              <dd className="mt-1 text-lg font-semibold tabular-nums" data-testid="stat-recovery-rate">
                {o.recovery.rate === null ? "—" : `${Math.round(o.recovery.rate * 100)}%`}
              </dd>
              <dd className="text-xs text-slate-500">
                {o.recovery.recovered90} of {o.recovery.failed90} failed
              </dd>
            </div>
          </dl>
        </Card>
        <Card>
          <h2 className="text-base font-semibold">Why members cancel (90 days)</h2>
          {o.cancellationReasons.length === 0 ? (
            <p className="mt-2 text-sm text-slate-600">No cancellations in the last 90 days.</p>
          ) : (
            <ul className="mt-3 space-y-2 text-sm" data-testid="cancellation-reasons">
              {o.cancellationReasons.map((r) => {
                const total = o.cancellationReasons.reduce((n, x) => n + x.count, 0);
                return (
                  <li key={r.reason ?? "none"} className="flex items-center gap-3">
                    <span className="w-40 shrink-0 truncate">
                      {r.reason ? (CANCELLATION_REASON_LABELS[r.reason as CancellationReason] ?? r.reason) : "No reason given"}
                    </span>
                    <span className="h-2 flex-1 rounded-full bg-slate-100" aria-hidden="true">
                      <span className="block h-2 rounded-full bg-brand-600" style={{ width: `${(r.count / total) * 100}%` }} />
                    </span>
                    <span className="w-8 text-right tabular-nums">{r.count}</span>
                  </li>
                );
              })}
            </ul>
          )}
        </Card>
      </section>
      {empty ? (
        <Card className="mt-8 text-center">
          <h2 className="text-lg font-semibold">No revenue yet</h2>
          <p className="mt-2 text-sm text-slate-600">
            Charts of revenue and members appear here once members subscribe.{" "}
            <Link href={`${base}/tiers`} className="font-medium text-brand-700 underline">
              Set up your tiers
            </Link>{" "}
            and share your page.
          </p>
        </Card>
      ) : (
        <div className="mt-8 grid gap-6 lg:grid-cols-2">
          <Card>
            <h2 className="text-base font-semibold">Revenue by month ({o.currency})</h2>
            <RevenueChart data={o.revenueByMonth} currency={o.currency} />
          </Card>
          <Card>
            <h2 className="text-base font-semibold">Members over time</h2>
            <MembersChart data={o.membersByMonth} />
          </Card>
        </div>
      )}
    </div>
  );
}
