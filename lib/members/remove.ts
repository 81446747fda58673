// An owner removes a member from their community: paid subscriptions are
// cancelled at Stripe now (no further charges, no refund: that stays a
// separate, deliberate action), the member goes inactive and loses their roles.
// They may join or subscribe again later.
import type Stripe from "stripe";
import { refusal } from "../core/errors";
import { type CommunityRef } from "../core/actors";
import type { TenantTx } from "../db/scopes";
import { cancelAtStripe, endMembership, liveSubscriptions } from "../gdpr/membership-exit";

import { rowKey } from "../db/scopes";
export const REMOVE_ERRORS = {
  notFound: "No such member in this community.",
  alreadyRemoved: "This member was already removed.",
} as const;

type InScope = <T>(fn: (tx: TenantTx) => Promise<T>) => Promise<T>;

export async function removeMember(community: CommunityRef, memberId: string, inScope: InScope, client: () => Stripe, now = new Date()) {
  const found = await inScope(async (tx) => {
    const member = await tx.communityMember.findUnique({
      where: rowKey(memberId),
      select: { id: true, isActive: true, erasedAt: true, user: { select: { username: true } } },
    });
    return member ? { member, live: await liveSubscriptions(tx, memberId) } : null;
  });
  if (!found || found.member.erasedAt) throw refusal(REMOVE_ERRORS, "notFound");
  if (!found.member.isActive && found.live.length === 0) throw refusal(REMOVE_ERRORS, "alreadyRemoved");
  if (found.live.some((s) => s.stripeSubscriptionId)) await cancelAtStripe(client(), community.stripeAccountId, found.live, community.name);
  await inScope((tx) => endMembership(tx, community.id, memberId, { erase: false, now }));
  return { memberId, username: found.member.user.username, cancelled: found.live.map((s) => s.tierName) };
}
