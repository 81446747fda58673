// GDPR access right: everything CommunityOS holds about one user, as JSON —
// for the user across their communities, or for an owner about one member of
// theirs. The user's own rows come through the user scope; events are read per
// community they belong to (checked first), in that community's scope.
import { db } from "../db/client";
import { withCommunity, withUser, type TenantTx } from "../db/scopes";
import type { Prisma } from "../generated/prisma/client";

const membershipSelect = {
  id: true, communityId: true, nickname: true, roles: true, joinedAt: true, subscriptionStatus: true, subscriptionTier: true,
  subscriptionExpiresAt: true, totalSpent: true, isActive: true, removedAt: true,
  community: { select: { name: true, slug: true } },
  subscriptions: { select: { tierName: true, status: true, currentPeriodStart: true, currentPeriodEnd: true, cancelAtPeriodEnd: true, canceledAt: true, trialStart: true, trialEnd: true, createdAt: true } },
  payments: { select: { amount: true, amountRefunded: true, currency: true, status: true, description: true, processedAt: true, createdAt: true } },
} satisfies Prisma.CommunityMemberSelect;

type Membership = Prisma.CommunityMemberGetPayload<{ select: typeof membershipSelect }>;

function eventsOf(tx: TenantTx, userId: string) {
  return tx.analyticsEvent.findMany({
    where: { userId },
    orderBy: { timestamp: "asc" },
    select: { eventType: true, eventName: true, timestamp: true, properties: true, ipAddress: true, userAgent: true, sessionId: true },
  });
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
    select: { id: true, discordId: true, username: true, globalName: true, discriminator: true, email: true, avatarUrl: true, locale: true, premiumType: true, lastLogin: true, createdAt: true },
  });
  const memberships = await withUser(userId, (tx) => tx.communityMember.findMany({ orderBy: { joinedAt: "asc" }, select: membershipSelect }));
  const events = [];
  for (const m of memberships) {
    const rows = await withCommunity(m.communityId, (tx) => eventsOf(tx, userId));
    events.push(...rows.map((e) => ({ community: m.community.slug, ...e })));
  }
  return { exportedAt: new Date().toISOString(), profile, memberships: memberships.map(serialise), events };
}

/** One member as this community knows them: their public Discord profile, membership, billing and events here. */
export async function exportMemberData(communityId: string, memberId: string) {
  return withCommunity(communityId, async (tx) => {
    const member = await tx.communityMember.findUnique({
      where: { id: memberId },
      select: { ...membershipSelect, userId: true, discordUserId: true, erasedAt: true, user: { select: { username: true, globalName: true, avatarUrl: true } } },
    });
    if (!member) return null;
    const { userId, discordUserId, erasedAt, user, ...membership } = member;
    return {
      exportedAt: new Date().toISOString(),
      // An erased member's export says so and holds nothing that identifies them.
      profile: erasedAt ? { erasedAt } : { discordUserId, username: user.username, globalName: user.globalName, avatarUrl: user.avatarUrl },
      membership: serialise(membership),
      events: erasedAt ? [] : await eventsOf(tx, userId),
    };
  });
}
