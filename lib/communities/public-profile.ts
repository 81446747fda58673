import { db } from "../db/client";
import { readGiftsOn } from "../gifts/offer";
import { readReferralProgram } from "../referrals/program";
import { withCommunity, type TenantTx } from "../db/scopes";
import { readSettings } from "./validation";
import { slugSchema } from "./slug";
import { SEAT_HOLDING } from "../billing/member-standing";
import { liveSubscriptionOf } from "../billing/checkout";
import { otherCurrencyPrices } from "../tiers/prices";
import { onSaleAtStripe } from "../tiers/on-sale";
import { accessReach, grantInForce } from "../billing/grants";

export type ViewerMembership = {
  member: boolean;
  /** The tier the viewer pays for here (their one live subscription), if any. */
  held: { subscriptionId: string; tierId: string | null; tierName: string } | null;
  /** Tiers the viewer has paid for by a pass or a claimed gift, and until when (a subscription to one bills from then). */
  paidUntil: Record<string, Date>;
};

/** A community's id and Discord server by its address (null: no such community). */
export async function communityGuildBySlug(rawSlug: string) {
  const slug = slugSchema.safeParse(rawSlug);
  return slug.success ? db.community.findUnique({ where: { slug: slug.data }, select: { id: true, discordGuildId: true } }) : null;
}

/** The signed-in viewer's place in a community: a member or not, and the tier they hold. */
export async function viewerMembership(communityId: string, userId: string): Promise<ViewerMembership> {
  return withCommunity(communityId, async (tx) => {
    const row = await tx.communityMember.findUnique({ where: { communityId_userId: { communityId, userId } }, select: { id: true, isActive: true } });
    const live = row ? await liveSubscriptionOf(tx, row.id) : null;
    const now = new Date();
    const grants = row
      ? await tx.accessGrant.findMany({ where: { memberId: row.id, kind: "pass", ...grantInForce(now) }, select: { tierId: true, until: true } })
      : [];
    // As checkout reads it (paidAccessTo): per tier, the grants' reach; a tier held for good bills from no date.
    const paidUntil: Record<string, Date> = {};
    for (const tierId of new Set(grants.map((g) => g.tierId))) {
      const until = accessReach(grants.filter((g) => g.tierId === tierId))?.until;
      if (until) paidUntil[tierId] = until;
    }
    return { member: !!row?.isActive, held: live ? { subscriptionId: live.id, tierId: live.tierId, tierName: live.tierName } : null, paidUntil };
  });
}

/** What anyone may see of a community: its profile and active tiers. */

export type PublicTier = {
  id: string;
  name: string;
  description: string | null;
  price: string;
  currency: string;
  interval: string;
  trialDays: number;
  trialWithoutCard: boolean;
  accessDays: number | null;
  payWhatYouWant: boolean;
  suggestedPrice: string | null;
  /** Its price in other currencies, e.g. {"EUR": "9.00"}. */
  currencyPrices: Record<string, string>;
  features: string[];
  maxMembers: number | null;
  soldOut: boolean;
  /** Whether it can be bought now (lib/tiers/on-sale.ts); why not is the owner's to see. */
  onSale: boolean;
};

export type PublicCommunity = {
  id: string;
  paymentsEnabled: boolean;
  status: string;
  showMemberCount: boolean;
  /** How Stripe Tax touches the prices shown: added at checkout, already in them, or not at all. */
  taxMode: "off" | "exclusive" | "inclusive";
  /** Members' share links earn them a commission (lib/referrals/program.ts). */
  referralsOn: boolean;
  /** Tiers may be bought as gifts (lib/gifts/offer.ts). */
  giftsOn: boolean;
  slug: string;
  name: string;
  description: string | null;
  avatarUrl: string | null;
  memberCount: number;
  tiers: PublicTier[];
};

const profileSelect = { id: true, slug: true, name: true, description: true, avatarUrl: true } as const;

async function readPublicTenantData(tx: TenantTx) {
  const tiers = await tx.subscriptionTier.findMany({
    where: { isActive: true },
    orderBy: [{ sortOrder: "asc" }, { price: "asc" }],
    select: {
      id: true,
      name: true,
      description: true,
      price: true,
      currency: true,
      interval: true,
      trialDays: true,
      trialWithoutCard: true,
      accessDays: true,
      payWhatYouWant: true,
      suggestedPrice: true,
      currencyPrices: true,
      features: true,
      maxMembers: true,
      stripePriceId: true,
      stripeProblem: true,
    },
  });
  const memberCount = await tx.communityMember.count({ where: { isActive: true } });
  const paying = await tx.communityMember.groupBy({ by: ["subscriptionTier"], where: { subscriptionStatus: { in: SEAT_HOLDING } }, _count: true });
  const payingByTier = new Map(paying.map((p) => [p.subscriptionTier, p._count]));
  return {
    memberCount,
    tiers: tiers.map(({ stripePriceId, stripeProblem, ...tier }) => ({
      ...tier,
      onSale: onSaleAtStripe({ stripePriceId, stripeProblem }),
      soldOut: tier.maxMembers !== null && (payingByTier.get(tier.name) ?? 0) >= tier.maxMembers,
      price: tier.price.toFixed(2),
      suggestedPrice: tier.suggestedPrice?.toFixed(2) ?? null,
      currencyPrices: otherCurrencyPrices(tier),
      features: Array.isArray(tier.features) ? tier.features.filter((f): f is string => typeof f === "string") : [],
    })),
  };
}

export async function getPublicCommunity(slug: string): Promise<PublicCommunity | null> {
  const community = await db.community.findUnique({
    where: { slug },
    select: { ...profileSelect, status: true, settings: true, stripeChargesEnabled: true },
  });
  if (!community || community.status === "archived") return null;
  const tenant = await withCommunity(community.id, readPublicTenantData);
  const { settings, stripeChargesEnabled, ...profile } = community;
  const { showMemberCount, taxMode } = readSettings(settings);
  return {
    ...profile,
    paymentsEnabled: stripeChargesEnabled,
    showMemberCount,
    taxMode,
    referralsOn: readReferralProgram(settings) !== null,
    giftsOn: readGiftsOn(settings),
    ...tenant,
  };
}

export async function listFeaturedCommunities(limit = 6): Promise<PublicCommunity[]> {
  const communities = await db.community.findMany({
    where: { status: "active" },
    orderBy: { createdAt: "asc" },
    take: limit,
    select: { ...profileSelect, status: true, settings: true, stripeChargesEnabled: true },
  });
  return Promise.all(
    communities.map(async ({ settings, stripeChargesEnabled, ...community }) => ({
      ...community,
      paymentsEnabled: stripeChargesEnabled,
      showMemberCount: readSettings(settings).showMemberCount,
      taxMode: readSettings(settings).taxMode,
      referralsOn: readReferralProgram(settings) !== null,
      giftsOn: readGiftsOn(settings),
      ...(await withCommunity(community.id, readPublicTenantData)),
    })),
  );
}
