import type { TenantTx } from "../db/scopes";

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
