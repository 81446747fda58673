// GDPR access right: everything CommunityOS holds about one user, as JSON —
// for the user across their communities, or for an owner about one member of
// theirs. The user's own rows come through the user scope, events included:
// page views of communities they never joined name them too.
import { db } from "../db/client";
import { withCommunity, withUser, type TenantTx, rowKey } from "../db/scopes";
import type { Prisma } from "../generated/prisma/client";

const membershipSelect = {
  id: true,
  communityId: true,
  nickname: true,
  roles: true,
  joinedAt: true,
  subscriptionStatus: true,
  subscriptionTier: true,
  subscriptionExpiresAt: true,
  totalSpent: true,
  checkoutAnswers: true,
  referralCode: true,
  referredAt: true,
  isActive: true,
  removedAt: true,
  community: { select: { name: true, slug: true } },
  subscriptions: {
    select: {
      tierName: true,
      status: true,
      currentPeriodStart: true,
      currentPeriodEnd: true,
      cancelAtPeriodEnd: true,
      canceledAt: true,
      trialStart: true,
      trialEnd: true,
      resumesAt: true,
      createdAt: true,
    },
  },
  payments: { select: { amount: true, amountRefunded: true, currency: true, status: true, description: true, processedAt: true, createdAt: true } },
  notices: { where: { status: "sent" }, orderBy: { createdAt: "asc" }, select: { kind: true, channel: true, sentAt: true } },
  giftsBought: { orderBy: { createdAt: "asc" }, select: { months: true, accessDays: true, message: true, createdAt: true, claimedAt: true } },
  giftsClaimed: { orderBy: { claimedAt: "asc" }, select: { months: true, accessDays: true, claimedAt: true } },
} satisfies Prisma.CommunityMemberSelect;

type Membership = Prisma.CommunityMemberGetPayload<{ select: typeof membershipSelect }>;

const eventSelect = { eventType: true, eventName: true, timestamp: true, properties: true } as const;

/**
 * A member's events as their community sees them. The network details of a
 * page view (address, browser, visitor cookie) belong to the person, not to the
 * owner: only the person's own export carries them.
 */
function eventsForOwner(tx: TenantTx, userId: string) {
  return tx.analyticsEvent.findMany({ where: { userId }, orderBy: { timestamp: "asc" }, select: eventSelect });
}

function serialise({ id: _id, communityId: _c, ...m }: Membership) {
  return {
    ...m,
    totalSpent: m.totalSpent.toFixed(2),
    payments: m.payments.map((p) => ({ ...p, amount: p.amount.toFixed(2), amountRefunded: p.amountRefunded.toFixed(2) })),
  };
}

export async function exportUserData(userId: string) {
  const profile = await db.user.findUniqueOrThrow({
    where: { id: userId },
    select: {
      id: true,
      discordId: true,
      username: true,
      globalName: true,
      discriminator: true,
      email: true,
      avatarUrl: true,
      locale: true,
      premiumType: true,
      lastLogin: true,
      createdAt: true,
    },
  });
  const { memberships, events } = await withUser(userId, async (tx) => ({
    memberships: await tx.communityMember.findMany({ orderBy: { joinedAt: "asc" }, select: membershipSelect }),
    events: await tx.analyticsEvent.findMany({
      orderBy: { timestamp: "asc" },
      select: { ...eventSelect, communityId: true, ipAddress: true, userAgent: true, sessionId: true },
    }),
  }));
  const communities = await db.community.findMany({ where: { id: { in: [...new Set(events.map((e) => e.communityId))] } }, select: { id: true, slug: true } });
  const slugOf = new Map(communities.map((c) => [c.id, c.slug]));
  return {
    exportedAt: new Date().toISOString(),
    profile,
    memberships: memberships.map(serialise),
    events: events.map(({ communityId, ...e }) => ({ community: slugOf.get(communityId) ?? null, ...e })),
  };
}

/** One member as this community knows them: their public Discord profile, membership, billing and events here. */
export async function exportMemberData(communityId: string, memberId: string) {
  return withCommunity(communityId, async (tx) => {
    const member = await tx.communityMember.findUnique({
      where: rowKey(memberId),
      select: {
        ...membershipSelect,
        userId: true,
        discordUserId: true,
        erasedAt: true,
        user: { select: { username: true, globalName: true, avatarUrl: true } },
      },
    });
    if (!member) return null;
    const { userId, discordUserId, erasedAt, user, ...membership } = member;
    return {
      exportedAt: new Date().toISOString(),
      // An erased member's export says so and holds nothing that identifies them.
      profile: erasedAt ? { erasedAt } : { discordUserId, username: user.username, globalName: user.globalName, avatarUrl: user.avatarUrl },
      membership: serialise(membership),
      events: erasedAt ? [] : await eventsForOwner(tx, userId),
    };
  });
}
