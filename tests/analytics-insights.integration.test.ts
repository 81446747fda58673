// The Analytics tab's numbers against a community worked out by hand: MRR
// movements that add up month over month (yearly payments spread, tax and
// refunds left out), churn split by cause, cohorts, the funnel, ARPU and LTV.
import { afterAll, describe, expect, it } from "vitest";
import { db } from "../lib/db/client";
import { withCommunity } from "../lib/db/scopes";
import { churnSplit, cohorts, funnel, insights, mrrMovements, perMember, refreshClosedMonths } from "../lib/analytics/insights";
import { createCommunity, createUser } from "./support/fixtures";

afterAll(() => db.$disconnect());

const DAY = 86_400_000;
const now = new Date();
// Offsets from the last complete month (0), as the tab shows complete months only.
const month = (offset: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset - 1, 1, 1));
const label = (offset: number) => month(offset).toISOString().slice(0, 7);

async function community() {
  const owner = await createUser("insights_owner");
  const c = await createCommunity(owner.id);
  const inScope = <T>(fn: Parameters<typeof withCommunity<T>>[1]) =>
    withCommunity(c.id, async (tx) => {
      await tx.$executeRaw`SET LOCAL TIME ZONE 'UTC'`;
      return fn(tx);
    });
  const tiers = await inScope(async (tx) => ({
    gold: (await tx.subscriptionTier.create({ data: { communityId: c.id, name: "Gold", price: "10.00", interval: "monthly" } })).id,
    plat: (await tx.subscriptionTier.create({ data: { communityId: c.id, name: "Platinum", price: "20.00", interval: "monthly" } })).id,
    year: (await tx.subscriptionTier.create({ data: { communityId: c.id, name: "Yearly", price: "120.00", interval: "yearly" } })).id,
  }));
  /** A member with one subscription and its payments: [month offset, amount, tax, refunded]. */
  const member = async (
    tierId: string,
    payments: [number, string, string?, string?][],
    sub: { status?: string; created?: Date; canceledAt?: Date; grace?: Date; guild?: string } = {},
  ) => {
    const u = await createUser("insights_member");
    return inScope(async (tx) => {
      const m = await tx.communityMember.create({ data: { communityId: c.id, userId: u.id, discordUserId: u.discordId, guildStatus: sub.guild ?? "unknown" } });
      const s = await tx.subscription.create({
        data: {
          communityId: c.id,
          memberId: m.id,
          tierId,
          tierName: "x",
          stripeCustomerId: "cus_x",
          status: sub.status ?? "active",
          currentPeriodStart: new Date(),
          currentPeriodEnd: new Date(Date.now() + 30 * DAY),
          createdAt: sub.created,
          canceledAt: sub.canceledAt,
          gracePeriodEndsAt: sub.grace,
        },
      });
      for (const [offset, amount, tax, refunded] of payments) {
        await tx.payment.create({
          data: {
            communityId: c.id,
            memberId: m.id,
            subscriptionId: s.id,
            amount,
            taxAmount: tax ?? "0",
            amountRefunded: refunded ?? "0",
            currency: "USD",
            status: refunded ? "refunded" : "succeeded",
            processedAt: month(offset),
          },
        });
      }
      return m.id;
    });
  };
  return { id: c.id, tiers, member, inScope };
}

describe("MRR movements", () => {
  it("add up month over month: new, reactivated, expansion, contraction, churned", async () => {
    const c = await community();
    await c.member(c.tiers.gold, [
      [-3, "10.00"],
      [-2, "10.00"],
      [-1, "10.00"],
      [0, "10.00"],
    ]); // A: steady
    await c.member(c.tiers.gold, [
      [-3, "10.00"],
      [-2, "10.00"],
      [0, "10.00"],
    ]); // B: churns, comes back
    const cId = await c.member(c.tiers.gold, [
      [-2, "10.00"],
      [0, "10.00"],
    ]); // C: Gold, Platinum, Gold
    await c.inScope(async (tx) => {
      const s = await tx.subscription.findFirstOrThrow({ where: { memberId: cId } });
      await tx.payment.create({
        data: { communityId: c.id, memberId: cId, subscriptionId: s.id, amount: "20.00", currency: "USD", status: "succeeded", processedAt: month(-1) },
      });
    });
    await c.member(c.tiers.year, [[-2, "120.00"]]); // D: a year paid at once, 10 a month
    await c.member(c.tiers.gold, [[-1, "10.00", "0", "10.00"]]); // E: refunded in full: no MRR
    await c.member(c.tiers.gold, [[0, "11.00", "1.00"]]); // F: 1.00 of tax is not revenue
    const movements = await c.inScope((tx) => mrrMovements(tx, "USD", now, 4));
    expect(movements).toEqual([
      { month: label(-3), mrr: 20, new: 20, reactivated: 0, expansion: 0, contraction: 0, churned: 0 },
      { month: label(-2), mrr: 40, new: 20, reactivated: 0, expansion: 0, contraction: 0, churned: 0 },
      { month: label(-1), mrr: 40, new: 0, reactivated: 0, expansion: 10, contraction: 0, churned: 10 },
      { month: label(0), mrr: 50, new: 10, reactivated: 10, expansion: 0, contraction: 10, churned: 0 },
    ]);
    for (let i = 1; i < movements.length; i++) {
      const [p, m] = [movements[i - 1]!, movements[i]!];
      expect(p.mrr + m.new + m.reactivated + m.expansion - m.contraction - m.churned).toBeCloseTo(m.mrr, 2);
    }
    // It reconciles with the payments table: the months' MRR of a payment sum to what it brought in.
    const net = await c.inScope(
      (tx) =>
        tx.$queryRaw<{ total: string }[]>`SELECT sum(amount - tax_amount - amount_refunded)::text AS total FROM payments WHERE processed_at >= ${month(-3)}`,
    );
    const yearlyBeyondWindow = 120 - 3 * 10; // D's year still has 9 months to come
    expect(movements.reduce((n, m) => n + m.mrr, 0)).toBeCloseTo(Number(net[0]!.total) - yearlyBeyondWindow, 2);

    const grid = await c.inScope((tx) => cohorts(tx, "USD", now, 4));
    expect(grid).toEqual([
      { cohort: label(-3), size: 2, retained: [2, 2, 1, 2] },
      { cohort: label(-2), size: 2, retained: [2, 2, 2] },
      { cohort: label(0), size: 1, retained: [1] },
    ]);
  });
});

describe("closed months are kept", () => {
  it("computes a month's views once, serves them after, and the nightly refresh takes later changes in", async () => {
    const c = await community();
    const memberId = await c.member(c.tiers.gold, [
      [-1, "10.00"],
      [0, "10.00"],
    ]);
    const inScope = <T>(fn: Parameters<typeof withCommunity<T>>[1]) => withCommunity(c.id, fn);
    const figures = { revenueLast30: 10, payingMembers: 1 };
    const first = await insights(inScope, c.id, "USD", figures, now);
    expect(first.movements.at(-1)).toMatchObject({ month: label(0), mrr: 10 });
    expect(await c.inScope((tx) => tx.communityAnalyticsMonth.count())).toBe(1);
    // A late payment in a closed month: the kept views stand until they are computed again.
    await c.inScope(async (tx) => {
      const s = await tx.subscription.findFirstOrThrow({ where: { memberId } });
      await tx.payment.create({
        data: { communityId: c.id, memberId, subscriptionId: s.id, amount: "5.00", currency: "USD", status: "succeeded", processedAt: month(0) },
      });
    });
    expect((await insights(inScope, c.id, "USD", figures, now)).movements.at(-1)).toMatchObject({ mrr: 10 });
    await refreshClosedMonths(inScope, c.id, "USD", now);
    const refreshed = await insights(inScope, c.id, "USD", figures, now);
    expect(refreshed.movements.at(-1)).toMatchObject({ mrr: 15, expansion: 5 });
    expect(refreshed).toMatchObject({ arpu: 10, churnRate: 0, ltv: null });
  });
});

describe("churn, funnel, per member", () => {
  it("splits churn by cause, counts the funnel's steps, and gives ARPU and LTV", async () => {
    const c = await community();
    const last = new Date(month(-1).getTime() + 5 * DAY);
    await c.member(c.tiers.gold, [], { status: "canceled", canceledAt: last }); // voluntary
    await c.member(c.tiers.gold, [], { status: "canceled", canceledAt: last, grace: new Date(last.getTime() - 3 * DAY) }); // after a failed payment
    await c.member(c.tiers.gold, [], { status: "canceled", canceledAt: new Date(month(0).getTime() + DAY) });
    // The current month is not over: not shown.
    await c.member(c.tiers.gold, [], { status: "canceled", canceledAt: new Date() });
    const split = await c.inScope((tx) => churnSplit(tx, now, 2));
    expect(split).toEqual([
      { month: label(-1), voluntary: 1, involuntary: 1 },
      { month: label(0), voluntary: 1, involuntary: 0 },
    ]);

    const f = await community();
    // The funnel covers the last three complete months: month(-2) to the end of month(0).
    const inWindow = (offset: number, days: number) => new Date(month(offset).getTime() + days * DAY);
    await f.member(f.tiers.gold, [], { created: inWindow(-1, 1), guild: "joined" }); // still paying
    await f.member(f.tiers.gold, [], { created: inWindow(-1, 5), status: "canceled", canceledAt: inWindow(-1, 15), guild: "joined" }); // left after 10 days
    await f.member(f.tiers.gold, [], { created: inWindow(0, 20) }); // too close to the window's end for day 30
    await f.member(f.tiers.gold, [], { created: inWindow(-4, 1) }); // before the window
    await f.member(f.tiers.gold, [], { created: new Date() }); // this month: not over yet
    await f.inScope(async (tx) => {
      for (const session of ["s1", "s2", "s3", "s3"]) {
        await tx.analyticsEvent.create({
          data: { communityId: f.id, eventType: "page", eventName: "community_page_viewed", sessionId: session, timestamp: inWindow(0, 3) },
        });
      }
      await tx.analyticsEvent.create({
        data: { communityId: f.id, eventType: "page", eventName: "community_page_viewed", sessionId: "today", timestamp: new Date() },
      });
      const u1 = await createUser("funnel_a");
      const u2 = await createUser("funnel_b");
      for (const u of [u1, u2, u1])
        await tx.analyticsEvent.create({
          data: { communityId: f.id, eventType: "billing", eventName: "checkout_started", userId: u.id, timestamp: inWindow(0, 3) },
        });
    });
    expect(await f.inScope((tx) => funnel(tx, now))).toEqual({ visitors: 3, checkouts: 2, started: 3, inServer: 2, startedLongAgo: 2, stillPaying: 1 });

    expect(perMember(300, 30, 0.05)).toEqual({ arpu: 10, ltv: 200 });
    expect(perMember(300, 0, 0.05)).toEqual({ arpu: null, ltv: null });
    expect(perMember(300, 30, 0)).toEqual({ arpu: 10, ltv: null });
  });
});
