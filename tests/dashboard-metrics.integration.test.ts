// The overview's numbers against a community whose answer is worked out by hand.
import { afterAll, describe, expect, it } from "vitest";
import { overview } from "../lib/analytics/metrics";
import { db } from "../lib/db/client";
import { withCommunity } from "../lib/db/scopes";
import { createCommunity, createUser } from "./support/fixtures";

afterAll(() => db.$disconnect());

const NOW = new Date("2026-11-15T12:00:00Z");
const d = (iso: string) => new Date(`${iso}T12:00:00Z`);

async function handComputedCommunity() {
  const owner = await createUser("metrics_owner");
  const community = await createCommunity(owner.id);
  await withCommunity(community.id, async (tx) => {
    const communityId = community.id;
    const monthly = await tx.subscriptionTier.create({ data: { communityId, name: "Monthly", price: "10.00", interval: "monthly" }, select: { id: true } });
    const yearly = await tx.subscriptionTier.create({ data: { communityId, name: "Yearly", price: "120.00", interval: "yearly" }, select: { id: true } });
    const people = [
      // name, member status, joined, subscription (tier, status, canceled)
      { name: "a", status: "active", joined: "2026-06-01", sub: { tier: monthly.id, tierName: "Monthly", status: "active" } },
      { name: "b", status: "active", joined: "2026-06-01", sub: { tier: yearly.id, tierName: "Yearly", status: "active" } },
      { name: "c", status: "past_due", joined: "2026-06-01", sub: { tier: monthly.id, tierName: "Monthly", status: "past_due" } },
      { name: "d", status: "trialing", joined: "2026-11-13", sub: { tier: monthly.id, tierName: "Monthly", status: "trialing" } },
      { name: "e", status: "canceled", joined: "2026-06-01", sub: { tier: monthly.id, tierName: "Monthly", status: "canceled", canceledAt: d("2026-11-10") } },
      { name: "f", status: "none", joined: "2026-11-02", sub: null },
    ];
    const ids: Record<string, { member: string; sub?: string }> = {};
    for (const p of people) {
      const user = await createUser(`metrics_${p.name}`);
      const member = await tx.communityMember.create({
        data: { communityId, userId: user.id, discordUserId: user.discordId, joinedAt: d(p.joined), subscriptionStatus: p.status },
        select: { id: true },
      });
      ids[p.name] = { member: member.id };
      if (p.sub) {
        const sub = await tx.subscription.create({
          data: {
            communityId,
            memberId: member.id,
            tierId: p.sub.tier,
            tierName: p.sub.tierName,
            status: p.sub.status,
            stripeCustomerId: `cus_${p.name}`,
            currentPeriodStart: d("2026-11-01"),
            currentPeriodEnd: d("2026-12-01"),
            canceledAt: p.sub.canceledAt ?? null,
            createdAt: d("2026-06-01"),
          },
          select: { id: true },
        });
        ids[p.name]!.sub = sub.id;
      }
    }
    const pay = (who: string, amount: string, status: string, at: string, refunded = "0") =>
      tx.payment.create({
        data: {
          communityId,
          memberId: ids[who]!.member,
          subscriptionId: ids[who]!.sub,
          amount,
          amountRefunded: refunded,
          currency: "USD",
          status,
          processedAt: d(at),
          createdAt: d(at),
        },
      });
    await pay("a", "10.00", "succeeded", "2026-11-01");
    await pay("b", "120.00", "partially_refunded", "2026-10-20", "20.00");
    await pay("c", "10.00", "failed", "2026-11-12");
    await pay("e", "10.00", "succeeded", "2026-08-05");
    await pay("e", "10.00", "succeeded", "2025-09-05"); // outside the 12-month chart
  });
  return community.id;
}

describe("the overview's numbers", () => {
  it("reconcile with the billing tables", async () => {
    const communityId = await handComputedCommunity();
    const o = await overview(communityId, (fn) => withCommunity(communityId, fn), NOW);
    // a 10 + b 120/12; c's 10 is at risk (past due, in grace); d is in trial, e canceled.
    expect(o.mrr).toEqual([{ currency: "USD", amount: "20.00" }]);
    expect(o.atRiskMrr).toEqual([{ currency: "USD", amount: "10.00" }]);
    expect(o.payingMembers).toBe(2);
    expect(o.pastDueMembers).toBe(1);
    expect(o.newMembersThisMonth).toBe(2);
    expect(o.churnedThisMonth).toBe(1);
    expect(o.churnRate).toBeCloseTo(1 / 4);
    // a 10 + b (120 - 20 refunded); c failed; e's payments are older than 30 days.
    expect(o.revenueLast30Days).toEqual([{ currency: "USD", amount: "110.00" }]);
    expect(o.failedPaymentsOpen).toBe(1);
    expect(o.disputesOpen).toBe(0);
    expect(o.revenueByMonth).toHaveLength(12);
    expect(o.revenueByMonth[0]).toEqual({ month: "2025-12", amount: 0 });
    const byMonth = Object.fromEntries(o.revenueByMonth.map((r) => [r.month, r.amount]));
    expect(byMonth).toMatchObject({ "2026-08": 10, "2026-09": 0, "2026-10": 100, "2026-11": 10 });
    expect(o.membersByMonth.at(-1)).toEqual({ month: "2026-11", members: 6, paying: 2 });
    expect(o.membersByMonth.find((m) => m.month === "2026-06")).toEqual({ month: "2026-06", members: 4, paying: 4 });
    // The closed months were computed once and kept: a second view reads them back unchanged.
    expect(await withCommunity(communityId, (tx) => tx.communityMonthlyStat.count())).toBe(11);
    const again = await overview(communityId, (fn) => withCommunity(communityId, fn), NOW);
    expect(again).toEqual(o);
  });

  it("an empty community has zeros, not errors", async () => {
    const owner = await createUser("empty_owner");
    const community = await createCommunity(owner.id);
    const o = await overview(community.id, (fn) => withCommunity(community.id, fn), NOW);
    expect(o).toMatchObject({
      mrr: [],
      atRiskMrr: [],
      payingMembers: 0,
      pastDueMembers: 0,
      churnRate: 0,
      revenueLast30Days: [],
      failedPaymentsOpen: 0,
      driftOpen: 0,
    });
    expect(o.revenueByMonth.every((m) => m.amount === 0)).toBe(true);
  });
});
