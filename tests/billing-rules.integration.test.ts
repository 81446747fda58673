// The money rules a member meets: one live subscription per community (a
// second tier is a prorated switch, never a second bill; a race that still
// produces two ends with one, the other cancelled and refunded), and one seat
// rule for checkout and switching alike, with the owner told when a change
// made elsewhere lands a tier over its cap.
import { describe, expect, it } from "vitest";
import type { Actor } from "../lib/actions/action-chain";
import { startCheckout } from "../lib/billing/checkout";
import { CHECKOUT_CODES } from "../lib/billing/checkout-codes";
import { PORTAL_ERRORS, previewTierSwitch, switchTier } from "../lib/billing/portal";
import { rolePlan } from "../lib/discord/desired-roles";
import { JOB_KINDS } from "../lib/jobs/enqueue";
import { cancelDuplicateSubscription } from "../lib/billing/duplicates";
import { createTier } from "../lib/tiers/service";
import { tierInputSchema } from "../lib/tiers/validation";
import { asOwner, createUser } from "./support/fixtures";
import { paidCommunity, payCheckout, stripeHarnessForFile, type Delivery, type PaidCommunity } from "./support/stripe-webhooks";
import { tierForm } from "./support/tier-form";

import { rowKey } from "../lib/db/scopes";
const h = stripeHarnessForFile();

async function queuedKinds(communityId: string): Promise<string[]> {
  return asOwner(async (client) =>
    (
      await client.query<{ kind: string }>(
        "SELECT t.identifier AS kind FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE j.payload->>'communityId' = $1",
        [communityId],
      )
    ).rows.map((r) => r.kind),
  );
}

async function deliverAll(deliveries: Delivery[]) {
  for (const d of deliveries) expect((await h.deliver(d)).status, d.type).toBe(200);
}

async function addTier(paid: PaidCommunity, name: string, price: string, extra: Record<string, string> = {}) {
  const input = tierInputSchema.parse(tierForm({ name, price, ...extra }));
  return (await createTier(input, paid.community, paid.inScope, h.client)).tierId;
}

async function memberOf(paid: PaidCommunity, actor: Actor) {
  return paid.inScope((tx) =>
    tx.communityMember.findUniqueOrThrow({
      where: { communityId_userId: { communityId: paid.community.id, userId: actor.id } },
      select: {
        id: true,
        subscriptionStatus: true,
        subscriptionTier: true,
        totalSpent: true,
        subscriptions: { select: { id: true, tierName: true, status: true, duplicateOf: true, stripeSubscriptionId: true }, orderBy: { createdAt: "asc" } },
      },
    }),
  );
}

const sessionsAtStripe = () => [...h.fake.objects.values()].filter((o) => o.object === "checkout.session").length;

describe("one live subscription per member and community", () => {
  it("a member who holds a tier is refused a second checkout, with the way forward; nothing is created at Stripe", async () => {
    const paid = await paidCommunity(h);
    const platinum = await addTier(paid, "Platinum", "20.00");
    const { actor } = await payCheckout(h, paid, "holder");
    await deliverAll(await h.take());
    const before = sessionsAtStripe();
    const ctx = { actor, community: paid.community, inScope: paid.inScope, origin: "http://localhost" };

    await expect(startCheckout(paid.tierId, ctx, h.client)).rejects.toMatchObject({ code: CHECKOUT_CODES.alreadyThisTier });
    await expect(startCheckout(platinum, ctx, h.client)).rejects.toMatchObject({
      code: CHECKOUT_CODES.alreadyOtherTier,
      message: expect.stringMatching(/switch/i),
    });
    expect(sessionsAtStripe()).toBe(before);
    expect((await memberOf(paid, actor)).subscriptions).toHaveLength(1);
  });

  it("two checkouts paid before either was confirmed end with one live subscription; the other is cancelled and refunded at Stripe", async () => {
    const paid = await paidCommunity(h);
    const platinum = await addTier(paid, "Platinum", "20.00", { discordRoleId: "223456789012345678" });
    const user = await createUser("racer");
    const actor = { id: user.id, discordId: user.discordId, username: "racer" };
    const ctx = { actor, community: paid.community, inScope: paid.inScope, origin: "http://localhost" };
    // Both pages open at once: neither checkout sees a live subscription yet.
    const first = await startCheckout(paid.tierId, ctx, h.client);
    const second = await startCheckout(platinum, ctx, h.client);
    for (const { url } of [first, second])
      expect((await fetch(url, { method: "POST", body: new URLSearchParams({ outcome: "pay" }), redirect: "manual" })).status).toBe(303);
    await deliverAll(await h.take());

    let member = await memberOf(paid, actor);
    const [kept, duplicate] = member.subscriptions;
    expect(kept).toMatchObject({ status: "active", duplicateOf: null });
    expect(duplicate).toMatchObject({ status: "active", duplicateOf: kept!.id });
    expect(member).toMatchObject({ subscriptionStatus: "active", subscriptionTier: kept!.tierName });
    // The duplicate grants nothing: only the kept tier's role is wanted.
    const plan = await paid.inScope((tx) => rolePlan(tx, member.id, new Date()));
    expect([...plan!.desired]).toEqual([kept!.tierName === "Gold" ? "123456789012345678" : "223456789012345678"]);
    const alerts = await paid.inScope((tx) => tx.communityAlert.findMany({ select: { kind: true } }));
    expect(alerts).toEqual([{ kind: "duplicate_subscription" }]);

    // The job cancels and refunds at Stripe; run twice (a retry), it refunds once.
    expect(await queuedKinds(paid.community.id)).toContain(JOB_KINDS.cancelDuplicate);
    expect(await cancelDuplicateSubscription(paid.community.id, duplicate!.id, h.client)).toMatchObject({ canceled: true, refunded: [expect.any(String)] });
    expect(await cancelDuplicateSubscription(paid.community.id, duplicate!.id, h.client)).toMatchObject({ canceled: true, refunded: [] });
    expect(h.fake.objects.get(duplicate!.stripeSubscriptionId!)!.status).toBe("canceled");
    expect(h.fake.objects.get(kept!.stripeSubscriptionId!)!.status).toBe("active");
    const refunds = [...h.fake.objects.values()].filter(
      (o) => o.object === "refund" && (o.metadata as Record<string, string>).subscription_id === duplicate!.id,
    );
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({ reason: "duplicate", amount: duplicate!.tierName === "Gold" ? 1000 : 2000 });

    await deliverAll(await h.take());
    member = await memberOf(paid, actor);
    expect(member.subscriptions.map((s) => s.status)).toEqual(["active", "canceled"]);
    expect(member).toMatchObject({ subscriptionStatus: "active", subscriptionTier: kept!.tierName });
    expect(member.totalSpent.toFixed(2)).toBe(kept!.tierName === "Gold" ? "10.00" : "20.00");
  });
});

describe("the seat rule applies to switching too", () => {
  it("a switch into a sold-out tier is refused and nothing changes at Stripe", async () => {
    const paid = await paidCommunity(h);
    const solo = await addTier(paid, "Solo", "15.00", { maxMembers: "1" });
    const occupant = await createUser("occupant");
    const occupantCtx = {
      actor: { id: occupant.id, discordId: occupant.discordId, username: "occupant" },
      community: paid.community,
      inScope: paid.inScope,
      origin: "http://localhost",
    };
    await fetch((await startCheckout(solo, occupantCtx, h.client)).url, { method: "POST", body: new URLSearchParams({ outcome: "pay" }), redirect: "manual" });
    const { actor, subscriptionId } = await payCheckout(h, paid, "switcher");
    await deliverAll(await h.take());

    const [sub] = (await memberOf(paid, actor)).subscriptions;
    const price = () => (h.fake.objects.get(subscriptionId)!.items as { data: { price: { id: string } }[] }).data[0]!.price.id;
    const before = price();
    await expect(previewTierSwitch(actor.id, sub!.id, solo, h.client)).rejects.toThrow(PORTAL_ERRORS.soldOut);
    await expect(switchTier(actor.id, sub!.id, solo, h.client)).rejects.toThrow(PORTAL_ERRORS.soldOut);
    expect(price()).toBe(before);
  });

  it("a switch made at Stripe (its dashboard) into a full tier raises the over-cap alert when first seen there", async () => {
    const paid = await paidCommunity(h);
    const solo = await addTier(paid, "Solo", "15.00", { maxMembers: "1" });
    const soloPrice = await paid.inScope(
      async (tx) => (await tx.subscriptionTier.findUniqueOrThrow({ where: rowKey(solo), select: { stripePriceId: true } })).stripePriceId!,
    );
    const occupant = await createUser("occupant2");
    await fetch(
      (
        await startCheckout(
          solo,
          {
            actor: { id: occupant.id, discordId: occupant.discordId, username: "o" },
            community: paid.community,
            inScope: paid.inScope,
            origin: "http://localhost",
          },
          h.client,
        )
      ).url,
      {
        method: "POST",
        body: new URLSearchParams({ outcome: "pay" }),
        redirect: "manual",
      },
    );
    const { subscriptionId } = await payCheckout(h, paid, "dashboard_switch");
    await deliverAll(await h.take());
    expect(await paid.inScope((tx) => tx.communityAlert.count())).toBe(0);

    const item = (h.fake.objects.get(subscriptionId)!.items as { data: { id: string }[] }).data[0]!;
    await h.client.subscriptions.update(subscriptionId, { items: [{ id: item.id, price: soloPrice }] }, { stripeAccount: paid.account });
    const events = await h.take();
    await deliverAll([...events, ...events]);
    const alerts = await paid.inScope((tx) => tx.communityAlert.findMany({ select: { kind: true, title: true } }));
    expect(alerts).toEqual([{ kind: "tier_over_capacity", title: "Solo has 2 members, over its cap of 1" }]);
  });
});
