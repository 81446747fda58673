import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requireUser } from "@/lib/auth/require-user";
import { findManagedCommunity } from "@/lib/communities/owner-access";
import { withCommunity } from "@/lib/db/scopes";
import { tierSummaries } from "@/lib/tiers/read";
import { linkedServers } from "@/lib/discord/linked-servers";
import { mainCurrency } from "@/lib/billing/money";
import { CommunityHeader } from "../community-nav";
import { MembersTable } from "./members-table";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const user = await requireUser(`/dashboard/${slug}/members`);
  const community = await findManagedCommunity(slug, user);
  if (!community) notFound();
  const { tiers, servers } = await withCommunity(community.id, async (tx) => ({ tiers: await tierSummaries(tx), servers: await linkedServers(tx) }));
  const currency = mainCurrency(tiers);
  return (
    <div className="mx-auto max-w-6xl px-4 py-10 sm:px-6">
      <CommunityHeader community={community} current="members" />
      <MembersTable
        slug={community.slug}
        tiers={tiers.map((t) => ({ id: t.id, name: t.name }))}
        servers={servers.map((s) => ({ guildId: s.guildId, name: s.name }))}
        currency={currency}
      />
    </div>
  );
}
