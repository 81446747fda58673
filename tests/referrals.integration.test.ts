// The referral program through the whole path against the fake Stripe: a
// member's link carried into Checkout, the referral kept when the buyer pays,
// the commission derived from the buyer's payments (net of refunds, within the
// months the terms give), payouts never above what is owed, and the checks
// that keep a link from paying its own owner or crossing communities.
import { describe, expect, it } from "vitest";
import { startCheckout } from "../lib/billing/checkout";
import { portalMemberships } from "../lib/billing/portal-read";
import { requestRefund } from "../lib/billing/refunds";
import { saveReferralProgram } from "../lib/communities/owner";
import { rowKey, withCommunity } from "../lib/db/scopes";
import { enterCommunity } from "../lib/members/membership";
import { memberDetail } from "../lib/members/query";
import { affiliatesPage, REFERRERS_PER_PAGE, recordPayout, recordReferral, referrerForCode } from "../lib/referrals/referrals";
import { asOwner, createTenant, createUser } from "./support/fixtures";
import { paidCommunity, stripeHarnessForFile, type PaidCommunity } from "./support/stripe-webhooks";

const h = stripeHarnessForFile();

const deliverAll = async () => {
  for (const d of await h.take()) expect((await h.deliver(d)).status).toBe(200);
};

/** A member of the community (free), with their share code. */
async function aMember(paid: PaidCommunity, name: string) {
  const user = await createUser(name);
  const member = await paid.inScope((tx) => enterCommunity(tx, paid.community.id, { userId: user.id, discordUserId: user.discordId }));
  const { referralCode } = await paid.inScope((tx) => tx.communityMember.findUniqueOrThrow({ where: rowKey(member.id), select: { referralCode: true } }));
  return { user, memberId: member.id, code: referralCode };
}

/** A new user checks out through a link carrying this code and pays; returns their member row. */
async function buyThrough(paid: PaidCommunity, name: string, ref: string | null) {
  const user = await createUser(name);
  const actor = { id: user.id, discordId: user.discordId, username: name };
  const { url } = await startCheckout(paid.tierId, { actor, community: paid.community, inScope: paid.inScope, origin: "http://x", ref }, h.client);
  const session = h.fake.objects.get(new URL(url).pathname.split("/").pop()!)!;
  expect((await fetch(url, { method: "POST", body: new URLSearchParams({ outcome: "pay" }), redirect: "manual" })).status).toBe(303);
  await deliverAll();
  const member = await paid.inScope((tx) =>
    tx.communityMember.findFirstOrThrow({
      where: { userId: user.id },
      select: { id: true, referredByMemberId: true, referralPercent: true, referralMonths: true },
    }),
  );
  return { user, member, metadata: session.metadata as Record<string, string> };
}

const ledger = (paid: PaidCommunity) => paid.inScope(async (tx) => (await affiliatesPage(tx, 1)).referrers);

describe("referrals", () => {
  it("earn the referrer the program's percent of the buyer's payments, net of refunds, within its months", async () => {
    const paid = await paidCommunity(h, { price: "10.00" });
    await paid.inScope((tx) => saveReferralProgram(tx, paid.community.id, { percent: 20, months: 3 }));
    const bob = await aMember(paid, "ref_bob");

    const buyer = await buyThrough(paid, "ref_buyer", bob.code.toUpperCase());
    expect(buyer.metadata).toMatchObject({ referrer_member_id: bob.memberId, referral_percent: "20", referral_months: "3" });
    expect(buyer.member).toMatchObject({ referredByMemberId: bob.memberId, referralPercent: 20, referralMonths: 3 });
    expect(await ledger(paid)).toEqual([
      {
        memberId: bob.memberId,
        name: expect.stringMatching(/^ref_bob_/),
        referred: 1,
        active: 1,
        amounts: [{ currency: "USD", earned: "2.00", paidOut: "0.00", owed: "2.00" }],
      },
    ]);

    // The owner's member details say who brought whom.
    expect((await paid.inScope((tx) => memberDetail(tx, buyer.member.id)))?.referrals).toEqual({ referredBy: expect.stringMatching(/^ref_bob_/), brought: 0 });
    expect((await paid.inScope((tx) => memberDetail(tx, bob.memberId)))?.referrals).toEqual({ referredBy: null, brought: 1 });

    // A partial refund takes its share back; a payment after the months earns nothing.
    const payment = await paid.inScope((tx) => tx.payment.findFirstOrThrow({ where: { memberId: buyer.member.id }, select: { id: true } }));
    await requestRefund({ paymentId: payment.id, amount: "5.00" }, { community: paid.community, inScope: paid.inScope }, h.client);
    await deliverAll();
    await paid.inScope((tx) =>
      tx.payment.create({
        data: {
          communityId: paid.community.id,
          memberId: buyer.member.id,
          amount: "10.00",
          currency: "USD",
          status: "succeeded",
          createdAt: new Date(Date.now() + 100 * 86_400_000),
        },
      }),
    );
    expect((await ledger(paid))[0]!.amounts).toEqual([{ currency: "USD", earned: "1.00", paidOut: "0.00", owed: "1.00" }]);

    // The owner's later change of terms does not rewrite what this referral earns.
    await paid.inScope((tx) => saveReferralProgram(tx, paid.community.id, { percent: 50, months: 24 }));
    expect((await ledger(paid))[0]!.amounts[0]!.earned).toBe("1.00");

    // Payouts: recorded, and never above what is owed.
    const owner = paid.community.ownerId;
    await paid.inScope((tx) => recordPayout(tx, paid.community.id, { memberId: bob.memberId, amount: "0.60", currency: "USD", note: "PayPal" }, owner));
    expect((await ledger(paid))[0]!.amounts).toEqual([{ currency: "USD", earned: "1.00", paidOut: "0.60", owed: "0.40" }]);
    await expect(
      paid.inScope((tx) => recordPayout(tx, paid.community.id, { memberId: bob.memberId, amount: "0.41", currency: "USD", note: "" }, owner)),
    ).rejects.toThrow("That's more than the 0.40 USD owed.");
    await expect(
      paid.inScope((tx) => recordPayout(tx, paid.community.id, { memberId: bob.memberId, amount: "1.00", currency: "EUR", note: "" }, owner)),
    ).rejects.toThrow("That's more than the 0.00 EUR owed.");

    // Two payouts recorded at the same moment cannot both fit under what is owed.
    const both = await Promise.allSettled(
      [1, 2].map(() => paid.inScope((tx) => recordPayout(tx, paid.community.id, { memberId: bob.memberId, amount: "0.40", currency: "USD", note: "" }, owner))),
    );
    expect(both.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect((await ledger(paid))[0]!.amounts[0]).toMatchObject({ paidOut: "1.00", owed: "0.00" });

    // The referrer sees it in their portal.
    const [membership] = (await portalMemberships(bob.user.id)).filter((m) => m.community.id === paid.community.id);
    expect(membership!.referral).toMatchObject({ code: bob.code, percent: 50, months: 24, referred: 1, amounts: [{ earned: "1.00", paidOut: "1.00" }] });
  });

  it("ignore a link that is the buyer's own, unknown, or shared while the program is off, and never refuse the purchase for it", async () => {
    const paid = await paidCommunity(h);
    const bob = await aMember(paid, "ref_off_bob");
    const whileOff = await buyThrough(paid, "ref_off_buyer", bob.code);
    expect(whileOff.metadata.referrer_member_id).toBeUndefined();
    expect(whileOff.member.referredByMemberId).toBeNull();

    await paid.inScope((tx) => saveReferralProgram(tx, paid.community.id, { percent: 10, months: 1 }));
    expect((await buyThrough(paid, "ref_unknown", "0123456789abcdef")).member.referredByMemberId).toBeNull();
    expect((await buyThrough(paid, "ref_garbage", "'; DROP TABLE payments; --")).member.referredByMemberId).toBeNull();
    // A member who follows their own link.
    const self = await aMember(paid, "ref_self");
    expect(await paid.inScope((tx) => referrerForCode(tx, self.code, self.memberId))).toBeNull();
    expect(await ledger(paid)).toEqual([]);
  });

  it("stay within their community: another community's code or member is not found, and the first referrer keeps the buyer", async () => {
    const paid = await paidCommunity(h);
    await paid.inScope((tx) => saveReferralProgram(tx, paid.community.id, { percent: 10, months: 1 }));
    const other = await createTenant("ref_other");
    const [outsider] = await withCommunity(other.community.id, (tx) => tx.communityMember.findMany({ select: { id: true, referralCode: true } }));
    const buyer = await buyThrough(paid, "ref_cross", outsider!.referralCode);
    expect(buyer.member.referredByMemberId).toBeNull();

    const terms = { percent: 10, months: 1 };
    await paid.inScope((tx) => recordReferral(tx, buyer.member.id, outsider!.id, terms, new Date()));
    expect((await paid.inScope((tx) => tx.communityMember.findUniqueOrThrow({ where: rowKey(buyer.member.id) }))).referredByMemberId).toBeNull();

    const first = await aMember(paid, "ref_first");
    const second = await aMember(paid, "ref_second");
    await paid.inScope((tx) => recordReferral(tx, buyer.member.id, first.memberId, terms, new Date()));
    await paid.inScope((tx) => recordReferral(tx, buyer.member.id, second.memberId, terms, new Date()));
    expect((await paid.inScope((tx) => tx.communityMember.findUniqueOrThrow({ where: rowKey(buyer.member.id) }))).referredByMemberId).toBe(first.memberId);
  });

  it("are listed a page at a time, those who brought the most first, each referrer on exactly one page, and only this community's", async () => {
    const paid = await paidCommunity(h);
    const terms = { percent: 10, months: 1 };
    const referrers = [];
    for (let i = 0; i < REFERRERS_PER_PAGE + 1; i++) referrers.push(await aMember(paid, `ref_page_${String(i).padStart(2, "0")}`));
    // The last referrer brings three, the one before two; every other one.
    const brought = (i: number) => (i === referrers.length - 1 ? 3 : i === referrers.length - 2 ? 2 : 1);
    for (const [i, referrer] of referrers.entries()) {
      for (let n = 0; n < brought(i); n++) {
        const buyer = await aMember(paid, `ref_page_buyer_${i}_${n}`);
        await paid.inScope((tx) => recordReferral(tx, buyer.memberId, referrer.memberId, terms, new Date()));
      }
    }

    const first = await paid.inScope((tx) => affiliatesPage(tx, 1));
    const second = await paid.inScope((tx) => affiliatesPage(tx, 2));
    expect({ total: first.total, more: first.more, rows: first.referrers.length }).toEqual({
      total: REFERRERS_PER_PAGE + 1,
      more: true,
      rows: REFERRERS_PER_PAGE,
    });
    expect({ total: second.total, more: second.more, rows: second.referrers.length }).toEqual({ total: REFERRERS_PER_PAGE + 1, more: false, rows: 1 });
    expect(first.referrers.slice(0, 3).map((r) => r.referred)).toEqual([3, 2, 1]);
    expect(first.referrers[0]!.memberId).toBe(referrers.at(-1)!.memberId);
    const listed = [...first.referrers, ...second.referrers].map((r) => r.memberId);
    expect(new Set(listed).size).toBe(listed.length);
    expect(new Set(listed)).toEqual(new Set(referrers.map((r) => r.memberId)));
    expect((await paid.inScope((tx) => affiliatesPage(tx, 3))).referrers).toEqual([]);

    const other = await createTenant("ref_page_other");
    expect(await withCommunity(other.community.id, (tx) => affiliatesPage(tx, 1))).toEqual({ referrers: [], total: 0, more: false });
  });

  it("outlive their referrer's row, and do not hold up deleting a community", async () => {
    const paid = await paidCommunity(h);
    const [first, second] = [await aMember(paid, "ref_gone"), await aMember(paid, "ref_kept")];
    await paid.inScope((tx) => recordReferral(tx, second.memberId, first.memberId, { percent: 10, months: 1 }, new Date()));
    await asOwner((client) => client.query("DELETE FROM community_members WHERE id = $1", [first.memberId]));
    const kept = await paid.inScope((tx) => tx.communityMember.findUniqueOrThrow({ where: rowKey(second.memberId), select: { referredByMemberId: true } }));
    expect(kept.referredByMemberId).toBeNull();

    const third = await aMember(paid, "ref_third");
    await paid.inScope((tx) => recordReferral(tx, third.memberId, second.memberId, { percent: 10, months: 1 }, new Date()));
    await asOwner((client) => client.query("DELETE FROM communities WHERE id = $1", [paid.community.id]));
    expect(
      await asOwner(
        async (client) => (await client.query("SELECT count(*)::int AS n FROM community_members WHERE community_id = $1", [paid.community.id])).rows[0].n,
      ),
    ).toBe(0);
  });
});
