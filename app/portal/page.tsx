import type { Metadata } from "next";
import Link from "next/link";
import { CommunityAvatar } from "@/components/community-avatar";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/require-user";
import { withCommunity, withUser } from "@/lib/db/scopes";
import { formatMoney } from "@/lib/utils/money";
import { EraseAccount } from "./erase-account";
import { SubscriptionCard } from "./subscription-card";

export const metadata: Metadata = { title: "Your memberships" };

const statusTone: Record<string, "success" | "warning" | "danger" | "neutral"> = {
  active: "success",
  trialing: "success",
  past_due: "warning",
  canceled: "neutral",
  none: "neutral",
};

export default async function PortalPage() {
  const user = await requireUser("/portal");
  // The user scope: this member's own rows across communities, read-only.
  const memberships = await withUser(user.id, (tx) =>
    tx.communityMember.findMany({
      where: { isActive: true },
      orderBy: { joinedAt: "desc" },
      select: {
        id: true,
        joinedAt: true,
        subscriptionStatus: true,
        subscriptionTier: true,
        subscriptionExpiresAt: true,
        totalSpent: true,
        community: { select: { id: true, slug: true, name: true, avatarUrl: true } },
        subscriptions: {
          where: { status: { in: ["active", "trialing", "past_due"] } },
          orderBy: { createdAt: "desc" },
          select: { id: true, tierName: true, status: true, currentPeriodEnd: true, cancelAtPeriodEnd: true },
        },
      },
    }),
  );
  // Tiers are the community's public data: read in its scope, only where the member subscribes.
  const tiersByCommunity = new Map(
    await Promise.all(
      memberships
        .filter((m) => m.subscriptions.length > 0)
        .map(async (m) => [
          m.community.id,
          await withCommunity(m.community.id, (tx) =>
            tx.subscriptionTier.findMany({
              where: { isActive: true },
              orderBy: { sortOrder: "asc" },
              select: { id: true, name: true, price: true, currency: true, interval: true, stripePriceId: true },
            }),
          ),
        ] as const),
    ),
  );
  return (
    <div className="mx-auto max-w-4xl px-4 py-10 sm:px-6">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <h1 className="text-2xl font-semibold tracking-tight">Your memberships</h1>
      </div>
      <p className="mt-1 text-sm text-slate-600">Communities you belong to and what you pay for them.</p>
      {memberships.length === 0 ? (
        <Card className="mt-8 text-center">
          <p className="font-medium">You haven&apos;t joined a community yet</p>
          <ButtonLink href="/#communities" className="mt-6">Browse communities</ButtonLink>
        </Card>
      ) : (
        <ul className="mt-8 space-y-3" aria-label="Your memberships">
          {memberships.map((m) => (
            <li key={m.id}>
              <Card className="flex flex-wrap items-center justify-between gap-4">
                <div className="flex items-center gap-3">
                  <CommunityAvatar name={m.community.name} url={m.community.avatarUrl} />
                  <div>
                    <Link href={`/c/${m.community.slug}`} className="font-semibold hover:underline">{m.community.name}</Link>
                    <p className="text-sm text-slate-500">
                      {m.subscriptionTier ?? "Free member"}
                      {m.subscriptionExpiresAt && m.subscriptionStatus !== "none" && ` · renews or ends ${m.subscriptionExpiresAt.toLocaleDateString("en-US", { dateStyle: "medium" })}`}
                    </p>
                  </div>
                </div>
                <div className="flex items-center gap-3 text-sm">
                  <span className="text-slate-600">{formatMoney(m.totalSpent.toString(), "USD")} spent</span>
                  <Badge tone={statusTone[m.subscriptionStatus] ?? "neutral"}>{m.subscriptionStatus === "none" ? "free" : m.subscriptionStatus.replace("_", " ")}</Badge>
                </div>
                {m.subscriptions.length > 0 && (
                  <div className="w-full space-y-3">
                    {m.subscriptions.map((sub) => {
                      const tiers = tiersByCommunity.get(m.community.id) ?? [];
                      const current = tiers.find((t) => t.name === sub.tierName);
                      return (
                        <SubscriptionCard
                          key={sub.id}
                          subscription={{
                            id: sub.id,
                            tierName: sub.tierName,
                            status: sub.status,
                            renewsAt: sub.currentPeriodEnd.toISOString(),
                            cancelAtPeriodEnd: sub.cancelAtPeriodEnd,
                            price: current ? current.price.toFixed(2) : null,
                            currency: current?.currency ?? "USD",
                            interval: current?.interval ?? null,
                            switchable: tiers
                              .filter((t) => t.name !== sub.tierName && t.stripePriceId)
                              .map((t) => ({ id: t.id, name: t.name, price: t.price.toFixed(2), currency: t.currency, interval: t.interval })),
                          }}
                        />
                      );
                    })}
                  </div>
                )}
              </Card>
            </li>
          ))}
        </ul>
      )}
      <Card className="mt-12">
        <h2 className="font-semibold">Your data</h2>
        <p className="mt-1 text-sm text-slate-600">Download everything we hold about you, or erase your account.</p>
        <div className="mt-4 flex flex-wrap items-start gap-4">
          <a href="/api/me/export" download className="text-sm font-medium text-brand-700 hover:underline">Download my data (JSON)</a>
        </div>
        <div className="mt-4">
          <EraseAccount />
        </div>
      </Card>
    </div>
  );
}
