// What a new owner still has to do before members can pay and get their
// roles, in the order that works: payouts, the bot, a tier with a role, then
// sharing the page. Each step's state is read from the community itself.
import { db } from "../db/client";
import { withCommunity } from "../db/scopes";
import { onSaleAtStripe } from "../tiers/on-sale";

export type ChecklistStep = { key: "payouts" | "bot" | "tier" | "share"; title: string; detail: string; done: boolean; href: string };

export async function onboardingChecklist(community: { id: string; slug: string }): Promise<ChecklistStep[]> {
  const { stripeChargesEnabled } = await db.community.findUniqueOrThrow({ where: { id: community.id }, select: { stripeChargesEnabled: true } });
  const facts = await withCommunity(community.id, async (tx) => ({
    bot: await tx.discordBotConfig.findUnique({ where: { communityId: community.id }, select: { isActive: true } }),
    tiers: await tx.subscriptionTier.findMany({ where: { isActive: true }, select: { stripePriceId: true, stripeProblem: true, discordRoleId: true } }),
    paying: await tx.communityMember.count({ where: { subscriptionStatus: { in: ["active", "trialing", "past_due"] } } }),
  }));
  const base = `/dashboard/${community.slug}`;
  return [
    {
      key: "payouts",
      title: "Connect payouts",
      detail: "A Stripe account receives your members' payments.",
      done: stripeChargesEnabled,
      href: `${base}/payouts`,
    },
    {
      key: "bot",
      title: "Add the bot to your server",
      detail: "It gives each tier's role and adds paying members to your server.",
      done: !!facts.bot?.isActive,
      href: `${base}/bot`,
    },
    {
      key: "tier",
      title: "Create a tier with a Discord role",
      detail: "A price, what members get, and the role that unlocks it.",
      done: facts.tiers.some((t) => t.discordRoleId) && facts.tiers.every((t) => onSaleAtStripe(t) || !stripeChargesEnabled),
      href: `${base}/tiers`,
    },
    {
      key: "share",
      title: "Share your page",
      detail: `Post /c/${community.slug} in your server: your first paying member completes this.`,
      done: facts.paying > 0,
      href: `/c/${community.slug}`,
    },
  ];
}
