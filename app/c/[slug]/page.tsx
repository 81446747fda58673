import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { cache } from "react";
import { CommunityAvatar } from "@/components/community-avatar";
import { Badge } from "@/components/ui/badge";
import { Button, ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { getSessionUser } from "@/lib/auth/session";
import { getPublicCommunity, viewerMembership, type PublicTier, type ViewerMembership } from "@/lib/communities/public-profile";
import { Alert } from "@/components/ui/alert";
import { JoinForm } from "./join-form";
import { SubscribeForm } from "./subscribe-form";
import { describeDuration, describeOff, promotionAppliesIn, usablePromotion } from "@/lib/billing/promotions";
import { withCommunity } from "@/lib/db/scopes";
import { headers } from "next/headers";
import { currencyForLocale } from "@/lib/utils/locale-currency";
import { slugSchema } from "@/lib/communities/slug";
import { formatMoney, fromMinorUnits } from "@/lib/billing/money";
import { tierPriceIn } from "@/lib/tiers/prices";
import { recordPageView } from "@/lib/analytics/page-view";
import { inviterForCode } from "@/lib/referrals/referrals";
import { describeGiftLength, giftCharge, giftLengths } from "@/lib/gifts/offer";
import { GiftForm } from "./gift-form";

export const dynamic = "force-dynamic";

const longDay = new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone: "UTC" });

type Props = {
  params: Promise<{ slug: string }>;
  searchParams: Promise<{ checkout?: string; promo?: string | string[]; currency?: string | string[]; ref?: string | string[] }>;
};

const loadCommunity = cache(async (rawSlug: string) => {
  const slug = slugSchema.safeParse(rawSlug);
  return slug.success ? getPublicCommunity(slug.data) : null;
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const community = await loadCommunity((await params).slug);
  return { title: community?.name ?? "Community not found", description: community?.description ?? undefined };
}

export default async function CommunityPage({ params, searchParams }: Props) {
  const { checkout, promo: promoParam, currency: currencyParam, ref: refParam } = await searchParams;
  const community = await loadCommunity((await params).slug);
  if (!community) notFound();
  // Tiers sold in several currencies: the visitor's choice (?currency=), else their browser's region.
  const offered = new Set(community.tiers.flatMap((t) => [t.currency, ...Object.keys(t.currencyPrices)]));
  const picked = typeof currencyParam === "string" && offered.has(currencyParam.toUpperCase()) ? currencyParam.toUpperCase() : null;
  const shownCurrency = offered.size > 1 ? (picked ?? currencyForLocale((await headers()).get("accept-language"), offered)) : null;
  const priceOf = (tier: PublicTier) => {
    const shown = shownCurrency ? tierPriceIn(tier, shownCurrency) : null;
    return shown ? { price: shown, currency: shownCurrency! } : { price: tier.price, currency: tier.currency };
  };
  // A shared link's promotion code: checked here so the page can say what it gives (or that it can't be used).
  const promoCode = typeof promoParam === "string" && promoParam.trim() ? promoParam.trim().slice(0, 40) : null;
  const promo = promoCode ? await withCommunity(community.id, (tx) => usablePromotion(tx, promoCode, null)) : null;
  const promoFor = (tier: PublicTier) =>
    promo && (promo.tierIds.length === 0 || promo.tierIds.includes(tier.id)) && promotionAppliesIn(promo, priceOf(tier).currency) ? promo.code : null;
  const promoOnSome = community.tiers.some((tier) => !promoFor(tier));
  // A member's share link (?ref=): who invited the visitor, while the community runs a referral program.
  const refCode = typeof refParam === "string" && community.referralsOn ? refParam.trim().toLowerCase() : null;
  const sharedBy = refCode ? await withCommunity(community.id, (tx) => inviterForCode(tx, refCode)) : null;
  // What the link carried, kept through sign-in and a change of currency.
  const kept = { ...(promoCode ? { promo: promoCode } : {}), ...(sharedBy ? { ref: refCode! } : {}) };
  const user = await getSessionUser();
  const signedOut: ViewerMembership = { member: false, held: null, paidUntil: {} };
  const [viewer] = await Promise.all([
    user ? viewerMembership(community.id, user.id) : signedOut,
    recordPageView(community.id, `/c/${community.slug}`, user?.id ?? null),
  ]);
  const member = viewer.member;
  // The link's owner following it is not invited by it (checkout ignores it too).
  const inviter = sharedBy && sharedBy.userId !== user?.id ? sharedBy.name : null;
  const referral = inviter ? refCode : null;
  const holds = (tier: PublicTier) => !!viewer.held && (viewer.held.tierId === tier.id || viewer.held.tierName === tier.name);
  const query = new URLSearchParams({ ...kept, ...(picked ? { currency: picked } : {}) }).toString();
  const here = `/c/${community.slug}${query ? `?${query}` : ""}`;
  const signInHref = `/signin?callbackUrl=${encodeURIComponent(here)}`;
  // Each tier as a gift: the lengths offered, with what they cost in the currency shown (none where gifts are not sold).
  const giftsOnSale = community.giftsOn && community.paymentsEnabled && community.status === "active";
  const giftOptions = new Map(
    community.tiers.map((tier) => {
      const { currency } = priceOf(tier);
      const lengths =
        giftsOnSale && tier.onSale && !tier.soldOut
          ? giftLengths(tier).flatMap((length) => {
              const charge = giftCharge(tier, currency, length);
              if (!charge) return [];
              // A pass whose buyer names the price: at least its minimum.
              const price = `${tier.payWhatYouWant ? "from " : ""}${formatMoney(fromMinorUnits(charge.totalMinor, currency), currency)}`;
              return [{ months: "months" in length ? length.months : null, label: `${describeGiftLength(length)} · ${price}` }];
            })
          : [];
      return [tier.id, lengths];
    }),
  );

  return (
    <div className="mx-auto max-w-5xl px-4 py-12 sm:px-6">
      <div className="flex flex-col gap-6 sm:flex-row sm:items-center">
        <CommunityAvatar name={community.name} url={community.avatarUrl} className="h-20 w-20 text-2xl" />
        <div>
          <h1 className="text-3xl font-semibold tracking-tight">{community.name}</h1>
          {community.showMemberCount && <p className="mt-1 text-slate-500">{community.memberCount.toLocaleString("en-US")} members</p>}
          {community.description && <p className="mt-3 max-w-2xl text-slate-700">{community.description}</p>}
        </div>
      </div>

      {checkout === "canceled" && (
        <Alert tone="info" className="mt-8">
          Checkout canceled. You weren&apos;t charged.
        </Alert>
      )}
      {promoCode && promo && (
        <Alert tone="success" className="mt-8">
          Code <strong>{promo.code}</strong>: {describeOff(promo)} {promo.duration === "forever" ? "every payment" : `for ${describeDuration(promo)}`}
          {promoOnSome ? " on the tiers marked below" : ""}. It is applied when you subscribe.
        </Alert>
      )}
      {inviter && (
        <Alert tone="success" className="mt-8">
          {inviter} invited you to {community.name}.
        </Alert>
      )}
      {promoCode && !promo && (
        <Alert tone="info" className="mt-8">
          The code “{promoCode}” can&apos;t be used any more. You can still subscribe at the usual price.
        </Alert>
      )}
      <section aria-label="Membership" className="mt-8">
        {member ? (
          <Alert tone="success">You&apos;re a member of {community.name}.</Alert>
        ) : community.status !== "active" ? (
          <Alert tone="info">{community.name} isn&apos;t taking new members right now.</Alert>
        ) : user ? (
          <JoinForm slug={community.slug} name={community.name} />
        ) : (
          <ButtonLink href={signInHref} variant="secondary">
            Sign in with Discord to join
          </ButtonLink>
        )}
      </section>

      <section aria-labelledby="tiers-title" className="mt-12">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="tiers-title" className="text-xl font-semibold">
            Membership tiers
          </h2>
          {offered.size > 1 && (
            <nav aria-label="Currency" className="flex gap-2 text-sm">
              {[...offered].sort().map((code) => (
                <a
                  key={code}
                  href={`?${new URLSearchParams({ ...kept, currency: code })}`}
                  aria-current={(shownCurrency ?? "") === code ? "true" : undefined}
                  className="rounded px-2 py-0.5 text-slate-600 hover:bg-slate-100 aria-[current=true]:bg-brand-50 aria-[current=true]:font-semibold aria-[current=true]:text-brand-700"
                >
                  {code}
                </a>
              ))}
            </nav>
          )}
        </div>
        {community.tiers.length === 0 ? (
          <Card className="mt-6 text-slate-600">This community has no paid tiers yet.</Card>
        ) : (
          <ul className="mt-6 grid gap-4 md:grid-cols-2 lg:grid-cols-3">
            {community.tiers.map((tier) => (
              <li key={tier.id}>
                <Card className="flex h-full flex-col">
                  <div className="flex items-start justify-between gap-2">
                    <h3 className="text-lg font-semibold">{tier.name}</h3>
                    <span className="flex gap-1">
                      {holds(tier) && <Badge tone="success">Your tier</Badge>}
                      {tier.soldOut && !holds(tier) && <Badge tone="warning">Sold out</Badge>}
                      <Badge tone="brand">{tier.interval === "once" ? "One payment" : tier.interval === "yearly" ? "Yearly" : "Monthly"}</Badge>
                    </span>
                  </div>
                  <p className="mt-3 text-3xl font-semibold">
                    {tier.payWhatYouWant && <span className="text-base font-normal text-slate-500">from </span>}
                    {formatMoney(priceOf(tier).price, priceOf(tier).currency)}
                    <span className="text-base font-normal text-slate-500">
                      {tier.interval === "once"
                        ? tier.accessDays
                          ? ` once · ${tier.accessDays} days of access`
                          : " once · lifetime access"
                        : `/${tier.interval === "yearly" ? "year" : "month"}`}
                    </span>
                  </p>
                  {tier.payWhatYouWant && (
                    <p className="mt-1 text-sm text-slate-600">
                      Pay what you want{tier.suggestedPrice ? ` (suggested ${formatMoney(tier.suggestedPrice, tier.currency)})` : ""}
                    </p>
                  )}
                  {community.taxMode !== "off" && (
                    <p className="text-xs text-slate-500">{community.taxMode === "exclusive" ? "plus tax where it applies" : "tax included"}</p>
                  )}
                  {tier.trialDays > 0 && (
                    <p className="mt-1 text-sm font-medium text-emerald-700">
                      {tier.trialDays}-day free trial{tier.trialWithoutCard ? ", no card needed" : ""}
                    </p>
                  )}
                  {tier.description && <p className="mt-3 text-sm text-slate-600">{tier.description}</p>}
                  {tier.features.length > 0 && (
                    <ul className="mt-4 space-y-2 text-sm text-slate-700">
                      {tier.features.map((feature) => (
                        <li key={feature} className="flex gap-2">
                          <span aria-hidden="true" className="text-emerald-600">
                            ✓
                          </span>
                          {feature}
                        </li>
                      ))}
                    </ul>
                  )}
                  <div className="mt-auto pt-6">
                    {holds(tier) ? (
                      <ButtonLink href="/portal" variant="secondary" className="w-full">
                        Your tier · manage
                      </ButtonLink>
                    ) : tier.soldOut ? (
                      <Button disabled className="w-full">
                        Sold out
                      </Button>
                    ) : community.paymentsEnabled && !tier.onSale ? (
                      <Button disabled className="w-full">
                        Not available right now
                      </Button>
                    ) : viewer.held ? (
                      <>
                        <ButtonLink href={`/portal?switchTo=${tier.id}`} className="w-full">
                          Switch to {tier.name}
                        </ButtonLink>
                        <p className="mt-2 text-center text-xs text-slate-500">You pay only the prorated difference.</p>
                      </>
                    ) : !community.paymentsEnabled ? (
                      <>
                        <Button disabled className="w-full">
                          Not open yet
                        </Button>
                        <p className="mt-2 text-center text-xs text-slate-500">The owner hasn&apos;t set up payments yet.</p>
                      </>
                    ) : user ? (
                      <SubscribeForm
                        slug={community.slug}
                        tierId={tier.id}
                        tierName={tier.name}
                        promo={promoFor(tier)}
                        once={tier.interval === "once"}
                        currency={priceOf(tier).currency !== tier.currency ? priceOf(tier).currency : null}
                        referral={referral}
                        note={
                          viewer.paidUntil[tier.id] && tier.interval !== "once"
                            ? `You have ${tier.name} until ${longDay.format(viewer.paidUntil[tier.id])}. Subscribe now to keep it: your first payment is then.`
                            : null
                        }
                      />
                    ) : (
                      <ButtonLink href={signInHref} className="w-full">
                        Sign in to subscribe
                      </ButtonLink>
                    )}
                    {giftOptions.get(tier.id)!.length > 0 && (
                      <details className="mt-3 rounded-md border border-slate-200 px-3 py-2 text-sm">
                        <summary className="cursor-pointer font-medium text-brand-700">Give {tier.name} as a gift</summary>
                        {user ? (
                          <GiftForm
                            slug={community.slug}
                            tierId={tier.id}
                            tierName={tier.name}
                            currency={priceOf(tier).currency !== tier.currency ? priceOf(tier).currency : null}
                            lengths={giftOptions.get(tier.id)!}
                          />
                        ) : (
                          <ButtonLink href={signInHref} variant="secondary" className="mt-3 w-full">
                            Sign in to buy a gift
                          </ButtonLink>
                        )}
                      </details>
                    )}
                  </div>
                </Card>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
