// A community whose bot serves it, a "Gold" tier granting a role (or none), and a member
// paying for it (an active subscription, the member's standing refreshed): what
// the Discord tests start from.
import { FAKE_APPLICATIONS } from "../../e2e/fakes/discord/data";
import { refreshMember } from "../../lib/billing/member-refresh";
import { sealToken } from "../../lib/discord/bot-config";
import { withCommunity } from "../../lib/db/scopes";

const PLATFORM = FAKE_APPLICATIONS[0]!;

export async function payingMemberRows(
  communityId: string,
  user: { id: string; discordId: string },
  options: { roleId: string | null; bot?: "platform" | "own" },
): Promise<{ memberId: string; tierId: string }> {
  return withCommunity(communityId, async (tx) => {
    await tx.discordBotConfig.create({
      data:
        options.bot === "own"
          ? { communityId, usesPlatformBot: false, botTokenEncrypted: sealToken(PLATFORM.token, communityId), clientId: PLATFORM.id, permissions: 0n }
          : { communityId, usesPlatformBot: true, clientId: PLATFORM.id, permissions: 0n },
    });
    const tier = await tx.subscriptionTier.create({
      data: { communityId, name: "Gold", price: "5.00", interval: "monthly", discordRoleId: options.roleId },
      select: { id: true },
    });
    const member = await tx.communityMember.create({ data: { communityId, userId: user.id, discordUserId: user.discordId }, select: { id: true } });
    await tx.subscription.create({
      data: {
        communityId,
        memberId: member.id,
        tierId: tier.id,
        stripeSubscriptionId: `sub_paying_${member.id}`,
        stripeCustomerId: "cus_paying",
        tierName: "Gold",
        status: "active",
        currentPeriodStart: new Date(),
        currentPeriodEnd: new Date(Date.now() + 30 * 86_400_000),
      },
    });
    await refreshMember(tx, member.id, new Date());
    return { memberId: member.id, tierId: tier.id };
  });
}
