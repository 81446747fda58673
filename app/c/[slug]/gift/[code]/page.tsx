import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Alert } from "@/components/ui/alert";
import { ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { getSessionUser } from "@/lib/auth/session";
import { getPublicCommunity } from "@/lib/communities/public-profile";
import { slugSchema } from "@/lib/communities/slug";
import { withCommunity } from "@/lib/db/scopes";
import { giftForCode } from "@/lib/gifts/claim";
import { describeGift, giftCodeSchema, giftTerm, isLifetime } from "@/lib/gifts/offer";
import { ClaimGiftForm } from "./claim-gift-form";

export const metadata: Metadata = { title: "A gift membership" };
export const dynamic = "force-dynamic";

const day = new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone: "UTC" });

export default async function GiftPage({ params }: { params: Promise<{ slug: string; code: string }> }) {
  const { slug: rawSlug, code: rawCode } = await params;
  const slug = slugSchema.safeParse(rawSlug);
  const code = giftCodeSchema.safeParse(rawCode);
  if (!slug.success || !code.success) notFound();
  const community = await getPublicCommunity(slug.data);
  if (!community) notFound();
  const gift = await withCommunity(community.id, (tx) => giftForCode(tx, code.data));
  if (!gift) notFound();
  const user = await getSessionUser();
  const here = `/c/${community.slug}/gift/${code.data}`;
  const mine = !!user && gift.claimedByUserId === user.id;

  return (
    <div className="mx-auto max-w-lg px-4 py-12 sm:px-6">
      <Card>
        <p className="text-sm text-slate-600">{community.name}</p>
        <h1 className="mt-1 text-2xl font-semibold tracking-tight">
          {describeGift(gift.length, gift.tierName)}, a gift{gift.from ? ` from ${gift.from}` : ""}
        </h1>
        {gift.message && (
          <blockquote className="mt-4 border-l-4 border-slate-300 pl-3 text-slate-700" aria-label="Their message">
            {gift.message}
          </blockquote>
        )}
        {mine ? (
          <div className="mt-5 space-y-3">
            <Alert tone="success">
              You claimed this gift on {day.format(gift.claimedAt!)}.
              {gift.until
                ? ` ${gift.tierName} is yours until ${day.format(gift.until)}.`
                : isLifetime(gift.length)
                  ? ` ${gift.tierName} is yours for life.`
                  : ""}
            </Alert>
            <ButtonLink href="/portal">See your memberships</ButtonLink>
          </div>
        ) : gift.claimedAt ? (
          <Alert tone="info" className="mt-5">
            This gift has already been claimed.
          </Alert>
        ) : gift.void ? (
          <Alert tone="info" className="mt-5">
            This gift was refunded, so it can&apos;t be claimed.
          </Alert>
        ) : (
          <>
            <p className="mt-4 text-sm text-slate-700">
              Claim it with your Discord account: you get {gift.tierName} and its roles in {community.name}&apos;s server {giftTerm(gift.length)}, with nothing
              to pay and nothing renewing after.
            </p>
            {user ? (
              <>
                <p className="mt-2 text-sm text-slate-600">
                  Signed in as <strong>{user.name ?? user.username}</strong> on Discord.
                </p>
                <ClaimGiftForm slug={community.slug} code={code.data} tierName={gift.tierName} />
              </>
            ) : (
              <ButtonLink href={`/signin?callbackUrl=${encodeURIComponent(here)}`} className="mt-5">
                Sign in with Discord to claim
              </ButtonLink>
            )}
          </>
        )}
      </Card>
    </div>
  );
}
