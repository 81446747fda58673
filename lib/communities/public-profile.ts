import { db } from "../db/client";
import { withCommunity, type TenantTx } from "../db/scopes";

/** What anyone may see of a community: its profile and active tiers. */
export type PublicTier = {
  id: string;
  name: string;
  description: string | null;
  price: string;
  currency: string;
  interval: string;
  features: string[];
  maxMembers: number | null;
};

export type PublicCommunity = {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  avatarUrl: string | null;
  memberCount: number;
  tiers: PublicTier[];
};

const profileSelect = { id: true, slug: true, name: true, description: true, avatarUrl: true } as const;

async function readPublicTenantData(tx: TenantTx) {
  const [tiers, memberCount] = await Promise.all([
    tx.subscriptionTier.findMany({
      where: { isActive: true },
      orderBy: [{ sortOrder: "asc" }, { price: "asc" }],
      select: { id: true, name: true, description: true, price: true, currency: true, interval: true, features: true, maxMembers: true },
    }),
    tx.communityMember.count({ where: { isActive: true } }),
  ]);
  return {
    memberCount,
    tiers: tiers.map((tier) => ({
      ...tier,
      price: tier.price.toFixed(2),
      features: Array.isArray(tier.features) ? tier.features.filter((f): f is string => typeof f === "string") : [],
    })),
  };
}

export async function getPublicCommunity(slug: string): Promise<PublicCommunity | null> {
  const community = await db.community.findUnique({
    where: { slug },
    select: { ...profileSelect, status: true },
  });
  if (!community || community.status === "archived") return null;
  const tenant = await withCommunity(community.id, readPublicTenantData);
  const { status: _status, ...profile } = community;
  return { ...profile, ...tenant };
}

export async function listFeaturedCommunities(limit = 6): Promise<PublicCommunity[]> {
  const communities = await db.community.findMany({
    where: { status: "active" },
    orderBy: { createdAt: "asc" },
    take: limit,
    select: profileSelect,
  });
  return Promise.all(
    communities.map(async (community) => ({ ...community, ...(await withCommunity(community.id, readPublicTenantData)) })),
  );
}
