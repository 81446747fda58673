import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type Stripe from "stripe";
import { startFakeStripe, type FakeStripe } from "../e2e/fakes/stripe/server";
import type { Actor, CommunityRef } from "../lib/actions/action-chain";
import { startCheckout } from "../lib/billing/checkout";
import { refreshConnectState, startOnboarding } from "../lib/billing/connect";
import { billingPortalUrl, PORTAL_ERRORS, previewTierSwitch, setCancelAtPeriodEnd, switchTier } from "../lib/billing/portal";
import { createStripe } from "../lib/billing/stripe";
import { db } from "../lib/db/client";
import { withCommunity, rowKey } from "../lib/db/scopes";
import { createTier } from "../lib/tiers/service";
import { tierInputSchema } from "../lib/tiers/validation";
import { createCommunity, createUser } from "./support/fixtures";
import { tierForm } from "./support/tier-form";

let fake: FakeStripe;
let client: Stripe;
let community: CommunityRef;
let member: Actor;
let subscriptionId: string;
let stripeSubscriptionId: string;
const tiers: Record<string, string> = {};

const tierInput = (name: string, price: string) => tierInputSchema.parse(tierForm({ name, price }));
const inScope = <T>(fn: Parameters<typeof withCommunity<T>>[1]) => withCommunity(community.id, fn);

beforeAll(async () => {
  fake = await startFakeStripe();
  client = createStripe({ mode: "demo", url: fake.url });
  const owner = await createUser("portal_owner");
  const c = await createCommunity(owner.id);
  await fetch(await startOnboarding({ id: c.id, stripeAccountId: null }, { returnUrl: "http://x/r", refreshUrl: "http://x/f" }, client), {
    method: "POST",
    redirect: "manual",
  });
  community = await db.community.findUniqueOrThrow({
    where: { id: c.id },
    select: { id: true, slug: true, name: true, ownerId: true, stripeAccountId: true, subscriptionTier: true },
  });
  await refreshConnectState(community, client);
  for (const [name, price] of [
    ["Silver", "10.00"],
    ["Gold", "20.00"],
  ] as const)
    tiers[name] = (await createTier(tierInput(name, price), community, inScope, client)).tierId;

  const user = await createUser("portal_member");
  member = { id: user.id, discordId: user.discordId, username: "member" };
  // Checkout through the fake's hosted page, then the row a webhook would write.
  const { url } = await startCheckout(tiers.Silver!, { actor: member, community, inScope, origin: "http://localhost" }, client);
  await fetch(url, { method: "POST", body: new URLSearchParams({ outcome: "pay" }), redirect: "manual" });
  const session = [...fake.objects.values()].find((o) => o.object === "checkout.session" && o.url === url)!;
  stripeSubscriptionId = String(session.subscription);
  subscriptionId = await inScope(async (tx) => {
    const m = await tx.communityMember.findUniqueOrThrow({ where: { communityId_userId: { communityId: community.id, userId: member.id } } });
    const row = await tx.subscription.create({
      data: {
        communityId: community.id,
        memberId: m.id,
        stripeSubscriptionId,
        stripeCustomerId: m.stripeCustomerId!,
        tierName: "Silver",
        status: "active",
        currentPeriodStart: new Date(),
        currentPeriodEnd: new Date(Date.now() + 30 * 86_400_000),
      },
      select: { id: true },
    });
    return row.id;
  });
});

afterAll(async () => {
  await fake.close();
  await db.$disconnect();
});

const live = () => fake.objects.get(stripeSubscriptionId)!;

describe("the member portal's billing actions", () => {
  it("cancels at period end and resumes, on Stripe; the local row waits for the webhook", async () => {
    const canceled = await setCancelAtPeriodEnd(member.id, subscriptionId, true, client);
    expect(canceled.cancelAtPeriodEnd).toBe(true);
    expect(new Date(canceled.endsAt!).getTime()).toBeGreaterThan(Date.now());
    expect(live().cancel_at_period_end).toBe(true);
    expect((await inScope((tx) => tx.subscription.findUniqueOrThrow({ where: rowKey(subscriptionId) }))).cancelAtPeriodEnd).toBe(false);
    await setCancelAtPeriodEnd(member.id, subscriptionId, false, client);
    expect(live().cancel_at_period_end).toBe(false);
  });

  it("previews a switch with proration, then switches the price on Stripe", async () => {
    const preview = await previewTierSwitch(member.id, subscriptionId, tiers.Gold!, client);
    expect(preview).toMatchObject({ tierName: "Gold", currency: "USD" });
    expect(Number(preview.amountDue)).toBeGreaterThan(0);
    expect(Number(preview.amountDue)).toBeLessThanOrEqual(10);
    expect(preview.lines).toHaveLength(2);
    await switchTier(member.id, subscriptionId, tiers.Gold!, client);
    const item = (live().items as { data: { price: { id: string } }[] }).data[0]!;
    const gold = await inScope((tx) => tx.subscriptionTier.findUniqueOrThrow({ where: rowKey(tiers.Gold!) }));
    expect(item.price.id).toBe(gold.stripePriceId);
  });

  it("refuses switching to the current tier or an unknown one", async () => {
    await expect(previewTierSwitch(member.id, subscriptionId, tiers.Silver!, client)).rejects.toThrow(PORTAL_ERRORS.sameTier);
    await expect(switchTier(member.id, subscriptionId, "00000000-0000-4000-8000-000000000000", client)).rejects.toThrow(PORTAL_ERRORS.unknownTier);
  });

  it("opens the Stripe customer portal for the member's customer", async () => {
    const { url } = await billingPortalUrl(member.id, subscriptionId, "http://localhost/portal", client);
    expect(new URL(url).searchParams.get("return_url")).toBe("http://localhost/portal");
  });

  it("never acts on someone else's subscription", async () => {
    const stranger = await createUser("stranger");
    await expect(setCancelAtPeriodEnd(stranger.id, subscriptionId, true, client)).rejects.toThrow(PORTAL_ERRORS.notFound);
    await expect(billingPortalUrl(stranger.id, subscriptionId, "http://x", client)).rejects.toThrow(PORTAL_ERRORS.notFound);
    expect(live().cancel_at_period_end).toBe(false);
  });

  it("explains a subscription Stripe does not know (seeded demo data)", async () => {
    const ghost = await inScope(async (tx) => {
      const m = await tx.communityMember.findUniqueOrThrow({ where: { communityId_userId: { communityId: community.id, userId: member.id } } });
      return tx.subscription.create({
        data: {
          communityId: community.id,
          memberId: m.id,
          stripeSubscriptionId: `sub_demo_ghost_${Date.now()}`,
          stripeCustomerId: m.stripeCustomerId!,
          tierName: "Silver",
          status: "active",
          currentPeriodStart: new Date(),
          currentPeriodEnd: new Date(),
        },
        select: { id: true },
      });
    });
    await expect(setCancelAtPeriodEnd(member.id, ghost.id, true, client)).rejects.toThrow(PORTAL_ERRORS.unknownToStripe);
  });
});
