import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type Stripe from "stripe";
import { startFakeStripe, type FakeStripe } from "../e2e/fakes/stripe/server";
import type { Actor, CommunityRef } from "../lib/actions/action-chain";
import { CHECKOUT_ERRORS, startCheckout } from "../lib/billing/checkout";
import { refreshConnectState, startOnboarding } from "../lib/billing/connect";
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
let buyer: Actor;
let gold: string;

const tierInput = (name: string, extra: Record<string, string> = {}) => tierInputSchema.parse(tierForm({ name, price: "12.00", ...extra }));

const inScope = <T>(fn: Parameters<typeof withCommunity<T>>[1]) => withCommunity(community.id, fn);
const ctx = () => ({ actor: buyer, community, inScope, origin: "http://localhost:3000" });
const stripeObjects = (type: string) => [...fake.objects.values()].filter((o) => o.object === type);

async function ref(id: string): Promise<CommunityRef> {
  return db.community.findUniqueOrThrow({
    where: { id },
    select: { id: true, slug: true, name: true, ownerId: true, stripeAccountId: true, subscriptionTier: true },
  });
}

beforeAll(async () => {
  fake = await startFakeStripe();
  client = createStripe({ mode: "demo", url: fake.url });
  const owner = await createUser("checkout_owner");
  const c = await createCommunity(owner.id);
  const link = await startOnboarding({ id: c.id, stripeAccountId: null }, { returnUrl: "http://x/r", refreshUrl: "http://x/f" }, client);
  await fetch(link, { method: "POST", redirect: "manual" });
  community = await ref(c.id);
  await refreshConnectState(community, client);
  gold = (await createTier(tierInput("Gold", { trialDays: "14" }), community, inScope, client)).tierId;
  const user = await createUser("buyer");
  buyer = { id: user.id, discordId: user.discordId, username: "buyer" };
});

afterAll(async () => {
  await fake.close();
  await db.$disconnect();
});

describe("starting a checkout", () => {
  it("creates a subscription-mode session carrying community, member and tier, the plan's fee, the trial and promotion codes", async () => {
    const { url } = await startCheckout(gold, ctx(), client);
    const session = stripeObjects("checkout.session").at(-1)!;
    expect(url).toBe(session.url);
    const member = await inScope((tx) =>
      tx.communityMember.findUniqueOrThrow({ where: { communityId_userId: { communityId: community.id, userId: buyer.id } } }),
    );
    const metadata = { community_id: community.id, member_id: member.id, tier_id: gold };
    expect(session).toMatchObject({
      mode: "subscription",
      customer: member.stripeCustomerId,
      client_reference_id: member.id,
      allow_promotion_codes: true,
      metadata,
      subscription_data: { metadata, application_fee_percent: "5", trial_period_days: "14" },
      success_url: `http://localhost:3000/c/${community.slug}/welcome?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `http://localhost:3000/c/${community.slug}?checkout=canceled`,
    });
    // Nothing is granted by starting (or finishing) checkout: that is the webhook's job.
    expect(member.subscriptionStatus).toBe("none");
    expect(await inScope((tx) => tx.subscription.count({ where: { memberId: member.id } }))).toBe(0);
    expect(await inScope((tx) => tx.analyticsEvent.count({ where: { eventName: "checkout_started", userId: buyer.id } }))).toBe(1);
  });

  it("reuses the member's Stripe customer", async () => {
    const customers = stripeObjects("customer").length;
    await startCheckout(gold, ctx(), client);
    expect(stripeObjects("customer")).toHaveLength(customers);
  });

  it("refuses a tier that is inactive, unknown, of another community, sold out or already held, creating nothing", async () => {
    const inactive = (await createTier(tierInput("Retired"), community, inScope, client)).tierId;
    await inScope((tx) => tx.subscriptionTier.update({ where: rowKey(inactive), data: { isActive: false } }));
    const capped = (await createTier(tierInput("Capped", { maxMembers: "1" }), community, inScope, client)).tierId;
    const holder = await createUser("holder");
    await inScope(async (tx) => {
      const m = await tx.communityMember.create({
        data: { communityId: community.id, userId: holder.id, discordUserId: holder.discordId, subscriptionTier: "Capped", subscriptionStatus: "active" },
      });
      const me = await tx.communityMember.findUniqueOrThrow({ where: { communityId_userId: { communityId: community.id, userId: buyer.id } } });
      await tx.subscription.create({
        data: {
          communityId: community.id,
          memberId: me.id,
          stripeCustomerId: "cus_x",
          tierName: "Gold",
          status: "active",
          currentPeriodStart: new Date(),
          currentPeriodEnd: new Date(),
        },
      });
      return m;
    });
    const otherOwner = await createUser("other_owner");
    const other = await createCommunity(otherOwner.id);
    const foreign = await withCommunity(other.id, (tx) =>
      tx.subscriptionTier.create({
        data: { communityId: other.id, name: "Foreign", price: "1.00", interval: "monthly", stripePriceId: `price_foreign_${Date.now()}` },
        select: { id: true },
      }),
    );

    const newcomer = await createUser("newcomer");
    const asNewcomer = { ...ctx(), actor: { id: newcomer.id, discordId: newcomer.discordId, username: "newcomer" } };

    const sessions = stripeObjects("checkout.session").length;
    for (const [tierId, message, who] of [
      [inactive, CHECKOUT_ERRORS.unknownTier, ctx()],
      ["00000000-0000-4000-8000-000000000000", CHECKOUT_ERRORS.unknownTier, ctx()],
      [foreign.id, CHECKOUT_ERRORS.unknownTier, ctx()],
      [capped, CHECKOUT_ERRORS.soldOut, asNewcomer],
      [gold, CHECKOUT_ERRORS.already, ctx()],
      // Holding Gold, another tier is a switch, not a second subscription.
      [capped, CHECKOUT_ERRORS.otherTier, ctx()],
    ] as const) {
      await expect(startCheckout(tierId, who, client)).rejects.toThrow(message);
    }
    expect(stripeObjects("checkout.session")).toHaveLength(sessions);
    // A refusal writes nothing: the newcomer did not become a member.
    expect(await inScope((tx) => tx.communityMember.count({ where: { userId: newcomer.id } }))).toBe(0);
  });

  it("refuses when the community cannot take payments, before any Stripe call", async () => {
    const owner = await createUser("no_stripe_owner");
    const c = await ref((await createCommunity(owner.id)).id);
    const tier = await withCommunity(c.id, (tx) =>
      tx.subscriptionTier.create({ data: { communityId: c.id, name: "T", price: "1.00", interval: "monthly" }, select: { id: true } }),
    );
    const before = fake.objects.size;
    await expect(
      startCheckout(tier.id, { actor: buyer, community: c, inScope: (fn) => withCommunity(c.id, fn), origin: "http://localhost" }, client),
    ).rejects.toThrow(CHECKOUT_ERRORS.paymentsOff);
    expect(fake.objects.size).toBe(before);
  });
});
