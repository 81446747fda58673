import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { Alert } from "@/components/ui/alert";
import { requireUser } from "@/lib/auth/require-user";
import { describeDuration, describeOff, listPromotionCodes, redemptionCounts } from "@/lib/billing/promotions";
import { tierSummaries } from "@/lib/tiers/read";
import { stripe } from "@/lib/billing/stripe";
import { findManagedCommunity } from "@/lib/communities/owner-access";
import { withCommunity } from "@/lib/db/scopes";
import { appOrigin } from "@/lib/http/origin";
import { mainCurrency } from "@/lib/billing/money";
import { readReferralProgram } from "@/lib/referrals/program";
import { affiliatesPage } from "@/lib/referrals/referrals";
import { pageParam } from "@/lib/http/page-param";
import { can } from "@/lib/staff/roles";
import { CommunityHeader } from "../community-nav";
import { PromotionForm } from "./promotion-form";
import { PayoutForm, ReferralProgramForm } from "./referral-forms";
import { GiftsForm } from "./gifts-form";
import { giftsPage } from "@/lib/gifts/read";
import { readGiftsOn } from "@/lib/gifts/offer";
import { GiftList, ReferrerList } from "./lists";

export const metadata: Metadata = { title: "Promotions and referrals" };

const day = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" });

export default async function PromotionsPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<{ gifts?: string | string[]; referrers?: string | string[] }>;
}) {
  const { slug } = await params;
  const query = await searchParams;
  const pages = { gifts: pageParam.parse(query.gifts), referrers: pageParam.parse(query.referrers) };
  const user = await requireUser(`/dashboard/${slug}/promotions`);
  const community = await findManagedCommunity(slug, user);
  if (!community) notFound();
  const { codes, tiers, referrers, gifts } = await withCommunity(community.id, async (tx) => ({
    codes: await listPromotionCodes(tx),
    tiers: await tierSummaries(tx, { activeOnly: true }),
    referrers: await affiliatesPage(tx, pages.referrers),
    gifts: await giftsPage(tx, pages.gifts),
  }));
  const program = readReferralProgram(community.settings);
  const manages = can(community.role, "manage");
  // Redemptions as Stripe counts them (outside the transaction); the page still shows without them.
  const redeemed = community.stripeAccountId && codes.length ? await redemptionCounts(stripe(), community.stripeAccountId) : null;
  const tierName = new Map(tiers.map((t) => [t.id, t.name]));
  const origin = await appOrigin();
  const now = new Date();
  return (
    <div className="mx-auto max-w-6xl px-4 py-10 sm:px-6">
      <CommunityHeader community={community} current="promotions" />
      <div className="mt-8 grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <Card>
          <h2 className="text-lg font-semibold">Codes</h2>
          {codes.length > 0 && !redeemed && (
            <Alert tone="info" className="mt-3">
              Stripe can&apos;t be asked for redemptions right now; try again shortly.
            </Alert>
          )}
          {codes.length === 0 ? (
            <p className="mt-2 text-sm text-slate-600">
              No codes yet. Make one on the right, then share its link: the code is applied when a member subscribes from it.
            </p>
          ) : (
            <ul className="mt-4 divide-y divide-slate-100" aria-label="Promotion codes">
              {codes.map((c) => {
                const expired = c.expiresAt !== null && c.expiresAt <= now;
                const uses = redeemed?.get(c.stripePromotionCodeId);
                return (
                  <li key={c.id} className="py-3 text-sm" data-testid={`promo-${c.code}`}>
                    <div className="flex flex-wrap items-center justify-between gap-2">
                      <span className="font-mono font-semibold">{c.code}</span>
                      {expired ? <Badge tone="neutral">expired</Badge> : <Badge tone="success">live</Badge>}
                    </div>
                    <p className="mt-1 text-slate-700">
                      {describeOff(c)} {c.duration === "forever" ? "every payment" : `for ${describeDuration(c)}`}
                      {c.tierIds.length ? ` · ${c.tierIds.map((id) => tierName.get(id) ?? "a removed tier").join(", ")}` : " · every tier"}
                    </p>
                    <p className="text-slate-500">
                      <span data-testid="promo-redeemed">{uses === undefined ? "—" : `${uses} ${uses === 1 ? "use" : "uses"}`}</span>
                      {c.maxRedemptions ? ` of ${c.maxRedemptions}` : ""}
                      {c.firstTimeOnly ? " · first-time members only" : ""}
                      {c.expiresAt ? ` · until ${day.format(c.expiresAt)}` : ""}
                    </p>
                    <p className="mt-1 break-all text-xs text-slate-500">
                      {origin}/c/{community.slug}?promo={c.code}
                    </p>
                  </li>
                );
              })}
            </ul>
          )}
        </Card>
        <Card>
          <h2 className="text-lg font-semibold">New code</h2>
          {!manages ? (
            <p className="mt-2 text-sm text-slate-600">The owner and admins make codes.</p>
          ) : !community.stripeAccountId ? (
            <p className="mt-2 text-sm text-slate-600">Connect Stripe on the Payouts tab first: codes live on your Stripe account.</p>
          ) : (
            <div className="mt-4">
              <PromotionForm slug={community.slug} tiers={tiers.map((t) => ({ id: t.id, name: t.name }))} currency={mainCurrency(tiers)} origin={origin} />
            </div>
          )}
        </Card>
      </div>
      <Card className="mt-6" role="region" aria-labelledby="referrals-title">
        <h2 id="referrals-title" className="text-lg font-semibold">
          Referrals
        </h2>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">
          Every member has an invite link in their portal. A new member who pays after arriving through it earns the member who shared it a commission on their
          payments, on the terms in force when they joined. You pay referrers yourself (PayPal, bank, a free month) and record it here.
        </p>
        {manages && (
          <div className="mt-4 max-w-xl">
            <ReferralProgramForm slug={community.slug} program={program} />
          </div>
        )}
        <ReferrerList
          {...referrers}
          page={pages.referrers}
          empty={program ? "No one has joined through a member's link yet." : "No referrals yet."}
          payout={
            manages ? (r) => <PayoutForm slug={community.slug} memberId={r.memberId} name={r.name} owed={r.amounts.filter((a) => Number(a.owed) > 0)} /> : null
          }
          pageHref={(n) => promotionsHref(community.slug, { ...pages, referrers: n }, "referrals-title")}
        />
      </Card>
      <Card className="mt-6" role="region" aria-labelledby="gifts-title">
        <h2 id="gifts-title" className="text-lg font-semibold">
          Gifts
        </h2>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">
          A gift is months of a tier, paid once by its buyer. Whoever opens its link and signs in gets the tier&apos;s roles until the months run out; nothing
          renews. Refund a gift from Payments: a gift not yet claimed can then no longer be, and a claimed one ends.
        </p>
        {manages && (
          <div className="mt-4 max-w-xl">
            <GiftsForm slug={community.slug} on={readGiftsOn(community.settings)} />
          </div>
        )}
        <GiftList {...gifts} page={pages.gifts} pageHref={(n) => promotionsHref(community.slug, { ...pages, gifts: n }, "gifts-title")} />
      </Card>
    </div>
  );
}

/** The tab's URL with both lists' pages (each list keeps its page while the other moves), at one list's heading. */
function promotionsHref(slug: string, pages: { gifts: number; referrers: number }, at: string) {
  const query = new URLSearchParams(Object.entries(pages).flatMap(([list, n]) => (n > 1 ? [[list, String(n)]] : [])));
  return `/dashboard/${slug}/promotions${query.size ? `?${query}` : ""}#${at}`;
}
