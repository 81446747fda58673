// What the owner's Discord bot tab shows, read in the community's scope: the
// bot's connection and settings (never its token), recent role changes, and
// the members whose roles disagree with what they pay for.
import { botProblemOf } from "./bot-problem";
import { withCommunity } from "../db/scopes";

const WEEK = 7 * 86_400_000;

export async function botOverview(communityId: string, now = new Date()) {
  return withCommunity(communityId, async (tx) => {
    const config = await tx.discordBotConfig.findUnique({
      where: { communityId },
      select: {
        usesPlatformBot: true,
        clientId: true,
        welcomeMessage: true,
        farewellMessage: true,
        autoRoleAssignment: true,
        paymentVerificationChannel: true,
        adminChannel: true,
        lapsedRoleId: true,
        payChannelId: true,
        isActive: true,
        lastOnline: true,
        settings: true,
        botTokenEncrypted: false,
      },
    });
    const tiers = await tx.subscriptionTier.findMany({ select: { name: true, discordRoleId: true, extraRoleIds: true } });
    const drift = await tx.discordRoleDrift.findMany({
      where: { OR: [{ resolvedAt: null }, { resolvedAt: { gte: new Date(now.getTime() - WEEK) } }] },
      orderBy: [{ resolvedAt: { sort: "desc", nulls: "first" } }, { detectedAt: "desc" }],
      take: 50,
      select: {
        id: true,
        memberId: true,
        missingRoles: true,
        unpaidRoles: true,
        detectedAt: true,
        resolvedAt: true,
        lastError: true,
        member: { select: { nickname: true, discordUserId: true, user: { select: { username: true, globalName: true } } } },
      },
    });
    const syncs = await tx.discordRoleSync.findMany({
      orderBy: { createdAt: "desc" },
      take: 10,
      select: {
        id: true,
        outcome: true,
        added: true,
        removed: true,
        reason: true,
        createdAt: true,
        member: { select: { user: { select: { username: true } } } },
      },
    });
    const problem = botProblemOf(config?.settings);
    return { config, tiers, drift, syncs, problem };
  });
}
