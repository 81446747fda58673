// The Promotions tab's two paged lists: referrers (most referred first) and gifts (newest first).
import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { PageLinks } from "@/components/ui/page-links";
import { formatMoney } from "@/lib/billing/money";
import { describeGift } from "@/lib/gifts/offer";
import type { GiftRow } from "@/lib/gifts/read";
import type { Affiliate } from "@/lib/referrals/referrals";

const day = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" });

type Paged = { page: number; more: boolean; pageHref: (page: number) => string };

const pageLinks = ({ page, more, pageHref }: Paged, previous: string, next: string) => ({
  previous: page > 1 ? { href: pageHref(page - 1), text: previous } : null,
  next: more ? { href: pageHref(page + 1), text: next } : null,
});

export function ReferrerList({
  referrers,
  total,
  empty,
  payout,
  ...paged
}: Paged & { referrers: Affiliate[]; total: number; empty: string; payout: ((r: Affiliate) => ReactNode) | null }) {
  if (total === 0) return <p className="mt-6 text-sm text-slate-600">{empty}</p>;
  return (
    <>
      <p className="mt-6 text-sm text-slate-600">
        {total} {total === 1 ? "referrer" : "referrers"}, those who brought the most first
      </p>
      {referrers.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">No referrers on this page.</p>
      ) : (
        <ul className="mt-2 divide-y divide-slate-100" aria-label="Referrers">
          {referrers.map((r) => (
            <li key={r.memberId} className="py-3 text-sm" data-testid="referrer">
              <div className="flex flex-wrap items-baseline justify-between gap-2">
                <span className="font-medium">{r.name}</span>
                <span className="text-slate-600">
                  {r.referred} referred · {r.active} with access now
                </span>
              </div>
              {r.amounts.length === 0 ? (
                <p className="mt-1 text-slate-500">Nothing earned yet (trials and unpaid checkouts earn nothing).</p>
              ) : (
                <p className="mt-1 text-slate-700">
                  {r.amounts
                    .map(
                      (a) => `earned ${formatMoney(a.earned, a.currency)}, paid ${formatMoney(a.paidOut, a.currency)}, owed ${formatMoney(a.owed, a.currency)}`,
                    )
                    .join(" · ")}
                </p>
              )}
              {payout && r.amounts.some((a) => Number(a.owed) > 0) && payout(r)}
            </li>
          ))}
        </ul>
      )}
      <PageLinks label="Referrer pages" {...pageLinks(paged, "Previous referrers", "More referrers")} />
    </>
  );
}

export function GiftList({ gifts, total, ...paged }: Paged & { gifts: GiftRow[]; total: number }) {
  if (total === 0) return <p className="mt-6 text-sm text-slate-600">No gifts bought yet.</p>;
  return (
    <>
      <p className="mt-6 text-sm text-slate-600">
        {total} {total === 1 ? "gift" : "gifts"} bought · {gifts.filter((g) => g.state === "waiting").length} on this page waiting to be claimed
      </p>
      <ul className="mt-2 divide-y divide-slate-100" aria-label="Gifts bought">
        {gifts.map((g) => (
          <li key={g.id} className="flex flex-wrap items-baseline justify-between gap-2 py-3 text-sm" data-testid="gift">
            <span>
              <span className="font-medium">{describeGift(g.length, g.tierName)}</span>
              <span className="text-slate-600">
                {" "}
                · {formatMoney(g.amount, g.currency)} from {g.buyer ?? "a former member"} on {day.format(g.createdAt)}
              </span>
            </span>
            {g.state === "claimed" ? (
              <Badge tone="success">
                claimed by {g.recipient ?? "a former member"} on {day.format(g.claimedAt!)}
              </Badge>
            ) : g.state === "refunded" ? (
              <Badge tone="neutral">refunded</Badge>
            ) : (
              <Badge tone="warning">waiting to be claimed</Badge>
            )}
          </li>
        ))}
      </ul>
      <PageLinks label="Gift pages" {...pageLinks(paged, "Newer gifts", "Older gifts")} />
    </>
  );
}
