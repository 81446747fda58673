import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/require-user";
import { findOwnedCommunity } from "@/lib/communities/owner-access";
import { withCommunity } from "@/lib/db/scopes";
import { CommunityHeader } from "./community-nav";

export const metadata: Metadata = { title: "Community overview" };

type Props = { params: Promise<{ slug: string }>; searchParams: Promise<{ created?: string; saved?: string }> };

export default async function CommunityOverviewPage({ params, searchParams }: Props) {
  const { slug } = await params;
  const user = await requireUser(`/dashboard/${slug}`);
  const community = await findOwnedCommunity(slug, user.id);
  if (!community) notFound();
  const { created } = await searchParams;

  const stats = await withCommunity(community.id, async (tx) => {
    const [members, paying, tiers] = await Promise.all([
      tx.communityMember.count({ where: { isActive: true } }),
      tx.communityMember.count({ where: { subscriptionStatus: { in: ["active", "trialing"] } } }),
      tx.subscriptionTier.count({ where: { isActive: true } }),
    ]);
    return { members, paying, tiers };
  });

  return (
    <div className="mx-auto max-w-6xl px-4 py-10 sm:px-6">
      <CommunityHeader community={community} current="overview" />
      {created && <Alert tone="success" className="mt-6">Your community is ready. Next: define tiers and connect your bot.</Alert>}
      <dl className="mt-8 grid gap-4 sm:grid-cols-3">
        {[
          { label: "Members", value: stats.members },
          { label: "Paying members", value: stats.paying },
          { label: "Active tiers", value: stats.tiers },
        ].map((stat) => (
          <Card key={stat.label}>
            <dt className="text-sm text-slate-600">{stat.label}</dt>
            <dd className="mt-2 text-3xl font-semibold">{stat.value.toLocaleString("en-US")}</dd>
          </Card>
        ))}
      </dl>
      {community.description && <p className="mt-8 max-w-3xl text-slate-700">{community.description}</p>}
    </div>
  );
}
