import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { paymentStatus } from "@/lib/billing/status-display";
import { formatMoney } from "@/lib/billing/money";
import { Card } from "@/components/ui/card";
import { Table, TableBody, TableHead, Td, Th } from "@/components/ui/table";
import { requireUser } from "@/lib/auth/require-user";
import { listPayments, PAYMENT_STATUSES, paymentsQuerySchema } from "@/lib/billing/payments-query";
import { findManagedCommunity } from "@/lib/communities/owner-access";
import { withCommunity } from "@/lib/db/scopes";
import { can } from "@/lib/staff/roles";
import { CommunityHeader } from "../community-nav";
import { RefundForm } from "./refund-form";

export const metadata: Metadata = { title: "Payments" };

type Props = { params: Promise<{ slug: string }>; searchParams: Promise<Record<string, string | undefined>> };

export default async function PaymentsPage({ params, searchParams }: Props) {
  const { slug } = await params;
  const user = await requireUser(`/dashboard/${slug}/payments`);
  const community = await findManagedCommunity(slug, user);
  if (!community) notFound();
  const { notice, ...filters } = await searchParams;
  const parsed = paymentsQuerySchema.safeParse(filters);
  const query = parsed.success ? parsed.data : paymentsQuerySchema.parse({});
  const { rows, next, totals } = await withCommunity(community.id, (tx) => listPayments(tx, query));
  const base = `/dashboard/${community.slug}/payments`;
  const link = (changes: Record<string, string>) =>
    `${base}?${new URLSearchParams({ ...(query.status ? { status: query.status } : {}), days: query.days, ...changes })}`;

  return (
    <div className="mx-auto max-w-6xl px-4 py-10 sm:px-6">
      <CommunityHeader community={community} current="payments" />
      {!parsed.success && (
        <Alert tone="error" className="mt-6">
          Those filters were not valid; showing the last 90 days.
        </Alert>
      )}
      {/* A code, not text from the URL: a crafted link cannot put words on this page. */}
      {notice === "refund_sent" && (
        <Alert tone="success" className="mt-6">
          Refund sent to Stripe. The payment&apos;s status changes once Stripe confirms it.
        </Alert>
      )}
      <form className="mt-8 flex flex-wrap items-end gap-3" action={base}>
        <div>
          <label htmlFor="status" className="block text-sm font-medium">
            Status
          </label>
          <select id="status" name="status" defaultValue={query.status} className="mt-1 rounded-lg px-3 py-2 text-sm ring-1 ring-slate-300">
            <option value="">All</option>
            {PAYMENT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s.replace("_", " ")}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="days" className="block text-sm font-medium">
            Period
          </label>
          <select id="days" name="days" defaultValue={query.days} className="mt-1 rounded-lg px-3 py-2 text-sm ring-1 ring-slate-300">
            <option value="30">Last 30 days</option>
            <option value="90">Last 90 days</option>
            <option value="365">Last 12 months</option>
            <option value="all">All time</option>
          </select>
        </div>
        <button className="h-10 rounded-lg bg-white px-4 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-50">Apply</button>
      </form>
      <dl className="mt-6 flex flex-wrap gap-4" aria-label="Totals">
        {totals.length === 0 && <p className="text-sm text-slate-600">No payments in this period.</p>}
        {totals.map((t) => (
          <Card key={t.currency} className="min-w-56">
            <dt className="text-sm text-slate-600">
              {t.count} payments ({t.currency})
            </dt>
            <dd className="mt-1 text-xl font-semibold tabular-nums" data-testid={`total-${t.currency}`}>
              {formatMoney(Number(t.gross) - Number(t.refunded), t.currency)}
            </dd>
            <dd className="text-xs text-slate-500">
              {formatMoney(t.gross, t.currency)} gross · {formatMoney(t.refunded, t.currency)} refunded
            </dd>
          </Card>
        ))}
      </dl>
      {rows.length > 0 && (
        <div className="relative mt-6 overflow-x-auto rounded-2xl bg-white shadow-sm ring-1 ring-slate-200">
          <Table aria-label="Payments">
            <TableHead>
              <tr>
                <Th>Date</Th>
                <Th>Member</Th>
                <Th>Description</Th>
                <Th align="right">Amount</Th>
                <Th>Status</Th>
                <Th>
                  <span className="sr-only">Refund</span>
                </Th>
              </tr>
            </TableHead>
            <TableBody>
              {rows.map((p) => {
                const who = p.member.user.globalName ?? p.member.user.username;
                const remaining = Number(p.amount) - Number(p.amountRefunded);
                return (
                  <tr key={p.id} data-testid={`payment-${p.id}`}>
                    <Td className="text-slate-600">{(p.processedAt ?? p.createdAt).toISOString().slice(0, 10)}</Td>
                    <Td>{who}</Td>
                    <Td className="text-slate-600">{p.description ?? "—"}</Td>
                    <Td className="text-right tabular-nums">
                      {formatMoney(p.amount.toFixed(2), p.currency)}
                      {Number(p.taxAmount) > 0 && <div className="text-xs text-slate-500">incl. {formatMoney(p.taxAmount.toFixed(2), p.currency)} tax</div>}
                      {Number(p.amountRefunded) > 0 && (
                        <div className="text-xs text-slate-500">−{formatMoney(p.amountRefunded.toFixed(2), p.currency)} refunded</div>
                      )}
                    </Td>
                    <Td>
                      <Badge tone={paymentStatus(p.status).tone}>{paymentStatus(p.status).label}</Badge>
                    </Td>
                    <Td className="text-right">
                      {can(community.role, "manage") &&
                        (p.status === "succeeded" || p.status === "partially_refunded") &&
                        p.stripePaymentIntentId &&
                        remaining > 0 && (
                          <RefundForm
                            slug={community.slug}
                            paymentId={p.id}
                            remaining={remaining.toFixed(2)}
                            currency={p.currency}
                            who={who}
                            filters={{ status: query.status, days: query.days }}
                          />
                        )}
                    </Td>
                  </tr>
                );
              })}
            </TableBody>
          </Table>
        </div>
      )}
      <div className="mt-4 flex justify-between text-sm">
        {query.before ? (
          <Link href={link({})} className="font-medium text-brand-700 hover:underline">
            ← Newest
          </Link>
        ) : (
          <span />
        )}
        {next && (
          <Link href={link({ before: next })} className="font-medium text-brand-700 hover:underline">
            Older →
          </Link>
        )}
      </div>
    </div>
  );
}
