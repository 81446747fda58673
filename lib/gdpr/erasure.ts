// GDPR right to erasure. The user row stays, anonymised, because payments (kept
// as financial records) hang off memberships that hang off it; everything that
// identifies the person goes. Sessions end at once; Discord roles are removed by
// a job, which then scrubs the last Discord id it needed to do so.
import { randomBytes } from "node:crypto";
import type Stripe from "stripe";
import { refusal } from "../core/errors";
import { recordAudit } from "../audit/record";
import { db } from "../db/client";
import { withCommunity, withUser, type TenantTx } from "../db/scopes";
import { stripe } from "../billing/stripe";
import { cancelAtStripe, deleteStripeCustomer, endMembership, liveSubscriptions } from "./membership-exit";

export const ERASURE_ERRORS = {
  ownsCommunities: "You own communities. Archive them (Settings → Status) before you erase your account: their members' payments depend on them.",
  alreadyErased: "This account has already been erased.",
} as const;

/** Events stay for the community's statistics, without a person behind them. */
function stripEvents(tx: TenantTx, userId: string, discordUserId: string | null) {
  return tx.$executeRaw`UPDATE analytics_events
       SET user_id = NULL, discord_user_id = NULL, ip_address = NULL, user_agent = NULL, session_id = NULL
     WHERE user_id = ${userId}::uuid OR (${discordUserId}::text IS NOT NULL AND discord_user_id = ${discordUserId})`;
}

export async function eraseAccount(userId: string, options: { now?: Date; client?: () => Stripe } = {}) {
  const now = options.now ?? new Date();
  const user = await db.user.findUnique({ where: { id: userId }, select: { erasedAt: true } });
  if (!user || user.erasedAt) throw refusal(ERASURE_ERRORS, "alreadyErased");
  const owned = await db.community.count({ where: { ownerId: userId, status: { not: "archived" } } });
  if (owned > 0) throw refusal(ERASURE_ERRORS, "ownsCommunities");

  const memberships = await withUser(userId, (tx) =>
    tx.communityMember.findMany({ where: { erasedAt: null }, select: { id: true, communityId: true, discordUserId: true, stripeCustomerId: true } }),
  );
  const communities = await db.community.findMany({
    where: { id: { in: memberships.map((m) => m.communityId) } },
    select: { id: true, name: true, stripeAccountId: true },
  });

  // Stripe first, for every community: if a cancellation fails, no personal data is erased
  // yet (cancellations already made stand, and their webhooks update our rows). Then the
  // customer (name, e-mail, metadata) goes from the connected account too.
  const plans = [];
  for (const membership of memberships) {
    const community = communities.find((c) => c.id === membership.communityId)!;
    const live = await withCommunity(community.id, (tx) => liveSubscriptions(tx, membership.id));
    const client = (options.client ?? stripe)();
    if (live.some((s) => s.stripeSubscriptionId)) await cancelAtStripe(client, community.stripeAccountId, live, community.name);
    if (membership.stripeCustomerId) await deleteStripeCustomer(client, community.stripeAccountId, membership.stripeCustomerId, community.name);
    plans.push({ membership, community });
  }

  for (const { membership, community } of plans) {
    await withCommunity(community.id, async (tx) => {
      await endMembership(tx, community.id, membership.id, { erase: true, now });
      await stripEvents(tx, userId, membership.discordUserId);
      // Events already sent to the owner's endpoints are theirs; our copies in the delivery log go.
      await tx.$executeRaw`DELETE FROM webhook_deliveries WHERE payload->'data'->>'member_id' = ${membership.id}
                              OR (${membership.discordUserId}::text IS NOT NULL AND payload->'data'->>'discord_user_id' = ${membership.discordUserId})`;
      // An imported membership it claimed keeps no e-mail.
      await tx.memberImport.updateMany({ where: { memberId: membership.id }, data: { email: null, stripeCustomerId: null } });
      // The log stays append-only; only this erasure may take the person out of its entries.
      await tx.$queryRaw`SELECT scrub_audit_log_for_erased_member(${membership.id}::uuid)`;
      await recordAudit(tx, community.id, userId, {
        action: "member.erased",
        objectType: "member",
        objectId: membership.id,
        details: { reason: "account erased by its owner (GDPR)" },
      });
    });
  }
  // Page views name a signed-in visitor in communities they never joined, too.
  const viewed = await withUser(userId, (tx) => tx.analyticsEvent.groupBy({ by: ["communityId"] }));
  for (const { communityId } of viewed) await withCommunity(communityId, (tx) => stripEvents(tx, userId, null));

  await db.$transaction([
    db.session.deleteMany({ where: { userId } }),
    db.account.deleteMany({ where: { userId } }),
    db.user.update({
      where: { id: userId },
      data: {
        // Unique and never a real Discord id (those are digits only): signing in again starts a new account.
        discordId: `erased-${randomBytes(6).toString("hex")}`,
        username: "Deleted user",
        globalName: null,
        discriminator: null,
        email: null,
        emailVerified: null,
        avatarUrl: null,
        locale: null,
        premiumType: null,
        lastLogin: null,
        isAdmin: false,
        erasedAt: now,
      },
      select: { id: true },
    }),
  ]);
  return { communities: plans.length };
}
