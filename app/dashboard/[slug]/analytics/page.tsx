import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { MrrWaterfall } from "@/components/charts/mrr-waterfall";
import { ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Table, TableBody, TableHead, Td, Th } from "@/components/ui/table";
import { insights } from "@/lib/analytics/insights";
import { overview } from "@/lib/analytics/metrics";
import { requireUser } from "@/lib/auth/require-user";
import { formatMoney } from "@/lib/billing/money";
import { planAllows, platformPlans } from "@/lib/billing/plans";
import { findManagedCommunity } from "@/lib/communities/owner-access";
import { withCommunity } from "@/lib/db/scopes";
import { CommunityHeader } from "../community-nav";

export const metadata: Metadata = { title: "Analytics" };

const monthName = (month: string) => new Date(`${month}-01T00:00:00Z`).toLocaleDateString("en-US", { month: "short", year: "numeric", timeZone: "UTC" });
const percent = (part: number, whole: number) => (whole === 0 ? "—" : `${Math.round((100 * part) / whole)}%`);

export default async function AnalyticsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const user = await requireUser(`/dashboard/${slug}/analytics`);
  const community = await findManagedCommunity(slug, user);
  if (!community) notFound();
  if (!planAllows(community.subscriptionTier, "analytics")) {
    const pro = platformPlans().pro!;
    return (
      <div className="mx-auto max-w-6xl px-4 py-10 sm:px-6">
        <CommunityHeader community={community} current="analytics" />
        <Card className="mt-8 max-w-2xl space-y-3" data-testid="plan-upsell">
          <h2 className="text-lg font-semibold">Analytics come with {pro.name}</h2>
          <p className="text-sm text-slate-600">
            MRR movements with a waterfall, voluntary and involuntary churn, revenue per member and lifetime value, cohorts by month of first payment and the
            funnel from your page to paying members 30 days in.
          </p>
          {community.role === "owner" ? (
            <ButtonLink href={`/dashboard/${community.slug}/payouts`}>See plans</ButtonLink>
          ) : (
            <p className="text-sm text-slate-500">The community&apos;s owner can upgrade its plan.</p>
          )}
        </Card>
      </div>
    );
  }
  const inScope = <T,>(fn: Parameters<typeof withCommunity<T>>[1]) => withCommunity(community.id, fn);
  const o = await overview(community.id, inScope);
  const revenue30 = Number(o.revenueLast30Days.find((m) => m.currency === o.currency)?.amount ?? 0);
  const data = await insights(inScope, community.id, o.currency, { revenueLast30: revenue30, payingMembers: o.payingMembers + o.pastDueMembers });
  const money = (v: number | null) => (v === null ? "—" : formatMoney(v.toFixed(2), data.currency));
  const latest = data.movements.at(-1)!;
  const before = data.movements.at(-2)?.mrr ?? 0;
  const f = data.funnel;
  const steps = [
    { label: "Visited the community page", count: f.visitors, of: null },
    { label: "Started a checkout", count: f.checkouts, of: f.visitors },
    { label: "Subscription started", count: f.started, of: f.checkouts },
    { label: "In the Discord server", count: f.inServer, of: f.started },
  ];
  return (
    <div className="mx-auto max-w-6xl px-4 py-10 sm:px-6">
      <CommunityHeader community={community} current="analytics" />
      <p className="mt-6 text-sm text-slate-600">
        In {data.currency}, from payments received (less tax and refunds; yearly payments spread over their twelve months).
      </p>
      <dl className="mt-4 grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        {[
          { term: `MRR, ${monthName(latest.month)}`, value: money(latest.mrr), id: "mrr" },
          { term: "Average revenue per member (30 days)", value: money(data.arpu), id: "arpu" },
          { term: `Lifetime value (ARPU ÷ ${(data.churnRate * 100).toFixed(1)}% MRR churn)`, value: money(data.ltv), id: "ltv" },
          { term: "Recovery rate (90 days)", value: o.recovery.rate === null ? "—" : `${Math.round(o.recovery.rate * 100)}%`, id: "recovery" },
        ].map((card) => (
          <Card key={card.id} className="p-4">
            <dt className="text-sm text-slate-600">{card.term}</dt>
            <dd className="mt-1 text-2xl font-semibold tabular-nums" data-testid={`insight-${card.id}`}>
              {card.value}
            </dd>
          </Card>
        ))}
      </dl>

      <div className="mt-6 grid gap-6 lg:grid-cols-2">
        <Card>
          <h2 className="text-lg font-semibold">MRR movements, {monthName(latest.month)}</h2>
          <MrrWaterfall previous={before} movement={latest} currency={data.currency} />
        </Card>
        <Card>
          <h2 className="text-lg font-semibold">Funnel, last three months</h2>
          <ol className="mt-4 space-y-3 text-sm" aria-label="Funnel">
            {steps.map((s) => (
              <li key={s.label}>
                <div className="flex justify-between gap-2">
                  <span>{s.label}</span>
                  <span className="tabular-nums">
                    <strong>{s.count.toLocaleString("en-US")}</strong>
                    {s.of !== null && <span className="text-slate-500"> · {percent(s.count, s.of)}</span>}
                  </span>
                </div>
                <div className="mt-1 h-2 rounded bg-slate-100">
                  <div
                    className="h-2 rounded bg-brand-600"
                    style={{ width: f.visitors ? `${Math.min(100, (100 * s.count) / Math.max(f.visitors, 1))}%` : "0%" }}
                  />
                </div>
              </li>
            ))}
            <li>
              <div className="flex justify-between gap-2">
                <span>Still paying 30 days in</span>
                <span className="tabular-nums">
                  <strong>{f.stillPaying.toLocaleString("en-US")}</strong>
                  <span className="text-slate-500">
                    {" "}
                    of {f.startedLongAgo.toLocaleString("en-US")} started a month before · {percent(f.stillPaying, f.startedLongAgo)}
                  </span>
                </span>
              </div>
            </li>
          </ol>
        </Card>
      </div>

      {/* Wide tables scroll sideways on small screens: the region takes focus so arrow keys can scroll it. */}
      <Card className="mt-6 overflow-x-auto" role="region" aria-labelledby="months-title" tabIndex={0}>
        <h2 id="months-title" className="text-lg font-semibold">
          Month by month
        </h2>
        <Table className="mt-3" aria-label="MRR movements by month">
          <TableHead>
            <tr>
              <Th>Month</Th>
              <Th align="right">New</Th>
              <Th align="right">Reactivated</Th>
              <Th align="right">Expansion</Th>
              <Th align="right">Contraction</Th>
              <Th align="right">Churned</Th>
              <Th align="right">MRR</Th>
              <Th align="right">Cancelled</Th>
              <Th align="right">Failed payment</Th>
            </tr>
          </TableHead>
          <TableBody>
            {data.movements.map((m, i) => (
              <tr key={m.month}>
                <Td>{monthName(m.month)}</Td>
                <Td align="right">{money(m.new)}</Td>
                <Td align="right">{money(m.reactivated)}</Td>
                <Td align="right">{money(m.expansion)}</Td>
                <Td align="right">{m.contraction ? `−${money(m.contraction)}` : money(0)}</Td>
                <Td align="right">{m.churned ? `−${money(m.churned)}` : money(0)}</Td>
                <Td align="right" className="font-medium">
                  {money(m.mrr)}
                </Td>
                <Td align="right">{data.churn[i]?.voluntary ?? 0}</Td>
                <Td align="right">{data.churn[i]?.involuntary ?? 0}</Td>
              </tr>
            ))}
          </TableBody>
        </Table>
        <p className="mt-2 text-xs text-slate-500">
          Cancelled and failed payment: subscriptions that ended that month, by cause (voluntary or involuntary churn).
        </p>
      </Card>

      <Card className="mt-6 overflow-x-auto" role="region" aria-labelledby="cohorts-title" tabIndex={0}>
        <h2 id="cohorts-title" className="text-lg font-semibold">
          Cohorts: still paying, by month of first payment
        </h2>
        {data.cohorts.length === 0 ? (
          <p className="mt-2 text-sm text-slate-500">No payments in the last year yet.</p>
        ) : (
          <Table className="mt-3" aria-label="Cohort retention">
            <TableHead>
              <tr>
                <Th>Cohort</Th>
                <Th align="right">Members</Th>
                {Array.from({ length: Math.max(...data.cohorts.map((c) => c.retained.length)) }, (_, k) => (
                  <Th key={k} align="right">
                    +{k}
                  </Th>
                ))}
              </tr>
            </TableHead>
            <TableBody>
              {data.cohorts.map((c) => (
                <tr key={c.cohort}>
                  <Td>{monthName(c.cohort)}</Td>
                  <Td align="right">{c.size}</Td>
                  {c.retained.map((n, k) => {
                    const share = c.size ? n / c.size : 0;
                    return (
                      <Td key={k} align="right" className="tabular-nums" style={{ backgroundColor: `rgba(79, 70, 229, ${(share * 0.45).toFixed(2)})` }}>
                        {percent(n, c.size)}
                      </Td>
                    );
                  })}
                </tr>
              ))}
            </TableBody>
          </Table>
        )}
      </Card>
    </div>
  );
}
