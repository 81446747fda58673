import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Card } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/require-user";
import { findClaim } from "@/lib/imports/claim";
import { ClaimForm } from "./claim-form";

export const metadata: Metadata = { title: "Claim your membership" };

const day = new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone: "UTC" });

export default async function ClaimPage({ params }: { params: Promise<{ slug: string; code: string }> }) {
  const { slug, code } = await params;
  const user = await requireUser(`/c/${slug}/claim/${code}`);
  const found = await findClaim(slug, code);
  if (!found) notFound();
  const { community, claim } = found;
  const otherAccount = !!claim.discordUserId && claim.discordUserId !== user.discordId;
  return (
    <div className="mx-auto max-w-lg px-4 py-12 sm:px-6">
      <Card>
        <p className="text-sm text-slate-600">{community.name}</p>
        <h1 className="mt-1 text-2xl font-semibold tracking-tight">Your {claim.tier.name} membership</h1>
        <p className="mt-3 text-sm text-slate-700">
          {claim.source === "stripe"
            ? "Your subscription moved to CommunityOS. You keep paying exactly as before; link your Discord account so the bot gives you your roles."
            : `You have ${claim.tier.name} ${claim.until ? `until ${day.format(claim.until)}` : "for good"}. Link your Discord account so the bot gives you its roles.`}
        </p>
        <p className="mt-2 text-sm text-slate-600">
          Signed in as <strong>{user.name ?? user.username}</strong> on Discord.
        </p>
        <ClaimForm slug={community.slug} code={code} claimed={!!claim.claimedAt} otherAccount={otherAccount} />
      </Card>
    </div>
  );
}
