// GDPR access right: everything CommunityOS holds about one user, as JSON.
// The user's own rows come through the user scope; their events are read per
// community they belong to (checked first), in that community's scope.
import { db } from "../db/client";
import { withCommunity, withUser } from "../db/scopes";

export async function exportUserData(userId: string) {
  const profile = await db.user.findUniqueOrThrow({
    where: { id: userId },
    select: { id: true, discordId: true, username: true, globalName: true, discriminator: true, email: true, avatarUrl: true, locale: true, premiumType: true, lastLogin: true, createdAt: true },
  });
  const memberships = await withUser(userId, (tx) =>
    tx.communityMember.findMany({
      orderBy: { joinedAt: "asc" },
      select: {
        communityId: true, nickname: true, roles: true, joinedAt: true, subscriptionStatus: true, subscriptionTier: true, subscriptionExpiresAt: true, totalSpent: true, isActive: true,
        community: { select: { name: true, slug: true } },
        subscriptions: { select: { tierName: true, status: true, currentPeriodStart: true, currentPeriodEnd: true, cancelAtPeriodEnd: true, canceledAt: true, trialStart: true, trialEnd: true, createdAt: true } },
        payments: { select: { amount: true, amountRefunded: true, currency: true, status: true, description: true, processedAt: true, createdAt: true } },
      },
    }),
  );
  const events = [];
  for (const m of memberships) {
    const rows = await withCommunity(m.communityId, (tx) =>
      tx.analyticsEvent.findMany({ where: { userId }, orderBy: { timestamp: "asc" }, select: { eventType: true, eventName: true, timestamp: true, properties: true, ipAddress: true, userAgent: true, sessionId: true } }),
    );
    events.push(...rows.map((e) => ({ community: m.community.slug, ...e })));
  }
  return {
    exportedAt: new Date().toISOString(),
    profile,
    memberships: memberships.map(({ communityId: _id, ...m }) => ({
      ...m,
      totalSpent: m.totalSpent.toFixed(2),
      payments: m.payments.map((p) => ({ ...p, amount: p.amount.toFixed(2), amountRefunded: p.amountRefunded.toFixed(2) })),
    })),
    events,
  };
}
