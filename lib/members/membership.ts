import type { TenantTx } from "../db/scopes";
import { lockMember } from "../billing/member-refresh";

/**
 * The person's membership of the community, made if missing and active again if
 * the owner had removed them (a removed member may come back). One way in:
 * joining, checkout, an import and its claim all go through it.
 */
export function enterCommunity(
  tx: TenantTx,
  communityId: string,
  person: { userId: string; discordUserId: string },
  create: { stripeCustomerId?: string | null } = {},
) {
  return tx.communityMember.upsert({
    where: { communityId_userId: { communityId, userId: person.userId } },
    create: { communityId, userId: person.userId, discordUserId: person.discordUserId, ...create },
    update: { isActive: true, removedAt: null },
    select: { id: true, stripeCustomerId: true },
  });
}

/**
 * enterCommunity for a caller that goes on to change the member's standing (an
 * import's access): it takes the member's lock before their row, in the order
 * every billing event takes them, so the two cannot deadlock on a returning member.
 */
export async function enterCommunityLocked(tx: TenantTx, communityId: string, person: { userId: string; discordUserId: string }) {
  const known = await tx.communityMember.findUnique({ where: { communityId_userId: { communityId, userId: person.userId } }, select: { id: true } });
  if (known) await lockMember(tx, known.id);
  const member = await enterCommunity(tx, communityId, person);
  // A member made just now is nobody else's to lock until this commits.
  if (!known) await lockMember(tx, member.id);
  return member;
}
