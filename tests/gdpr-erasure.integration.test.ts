// GDPR erasure and the owner's removal of a member, against the Stripe fake:
// subscriptions end at Stripe before anything local changes, personal fields go,
// payments stay as anonymous records, sessions end, roles are removed by a job.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type Stripe from "stripe";
import type { JobHelpers } from "graphile-worker";
import type { CommunityRef } from "../lib/actions/action-chain";
import { ActionError } from "../lib/actions/action-chain";
import { createStripe } from "../lib/billing/stripe";
import { joinCommunity } from "../lib/communities/owner";
import { db } from "../lib/db/client";
import { withCommunity, rowKey } from "../lib/db/scopes";
import { eraseAccount, ERASURE_ERRORS } from "../lib/gdpr/erasure";
import { exportMemberData } from "../lib/gdpr/export";
import { JOB_KINDS } from "../lib/jobs/enqueue";
import { taskList } from "../lib/worker/tasks";
import { removeMember, REMOVE_ERRORS } from "../lib/members/remove";
import { asOwner, asOwnerInScope, createCommunity, createUser } from "./support/fixtures";
import { behindMemberLock } from "./support/locks";
import { endMembership } from "../lib/gdpr/membership-exit";
import { paidCommunity, payCheckout, startStripeHarness, type PaidCommunity, type StripeHarness } from "./support/stripe-webhooks";

let h: StripeHarness;
let client: Stripe;
let paid: PaidCommunity;
let community: CommunityRef;
let tierId: string;
const inScope = <T>(fn: Parameters<typeof withCommunity<T>>[1]) => withCommunity(community.id, fn);
const helpers = { logger: { info() {}, warn() {}, error() {}, debug() {} } } as unknown as JobHelpers;

/** A paying member: checkout through the fake, then the rows its webhooks would write, plus a page view and a session. */
async function payingMember(name: string) {
  const { actor, subscriptionId: stripeSubscriptionId } = await payCheckout(h, paid, name);
  const user = { id: actor.id, discordId: actor.discordId };
  const memberId = await inScope(async (tx) => {
    const m = await tx.communityMember.update({
      where: { communityId_userId: { communityId: community.id, userId: user.id } },
      data: { nickname: `${name} nick`, subscriptionStatus: "active", subscriptionTier: "Gold" },
    });
    const sub = await tx.subscription.create({
      data: {
        communityId: community.id,
        memberId: m.id,
        stripeSubscriptionId,
        stripeCustomerId: m.stripeCustomerId!,
        tierName: "Gold",
        tierId,
        status: "active",
        currentPeriodStart: new Date(),
        currentPeriodEnd: new Date(Date.now() + 30 * 86_400_000),
      },
    });
    await tx.payment.create({
      data: {
        communityId: community.id,
        memberId: m.id,
        subscriptionId: sub.id,
        amount: "15.00",
        currency: "USD",
        status: "succeeded",
        processedAt: new Date(),
      },
    });
    await tx.analyticsEvent.create({
      data: {
        communityId: community.id,
        eventType: "page",
        eventName: "community_page_viewed",
        userId: user.id,
        discordUserId: user.discordId,
        ipAddress: "198.51.100.23",
        userAgent: "Mozilla/5.0 test",
      },
    });
    return m.id;
  });
  await db.session.create({ data: { sessionToken: `erase-${user.id}`, userId: user.id, expires: new Date(Date.now() + 86_400_000) } });
  await db.account.create({
    data: { userId: user.id, type: "oauth", provider: "discord", providerAccountId: user.discordId, access_token: "secret-access-token" },
  });
  return { user, actor, memberId, stripeSubscriptionId };
}

async function queuedJobs(memberId: string) {
  return asOwner(async (c) =>
    (
      await c.query<{ identifier: string }>(
        "SELECT t.identifier FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE j.payload->>'memberId' = $1",
        [memberId],
      )
    ).rows.map((r) => r.identifier),
  );
}

beforeAll(async () => {
  // Webhooks are caught by the harness, not applied: the test writes the rows they would.
  h = await startStripeHarness();
  client = h.client;
  paid = await paidCommunity(h, { price: "15.00" });
  ({ community, tierId } = paid);
});

afterAll(async () => {
  await h.close();
  await db.$disconnect();
});

describe("erasing an account", () => {
  it("cancels at Stripe, anonymises the person, keeps payments, ends sessions and queues the role removal", async () => {
    const erased = await payingMember("erase_me");
    const bystander = await payingMember("erase_bystander");
    // The owner once gave them a tier for free, with a note about them.
    await inScope((tx) =>
      tx.accessGrant.create({ data: { communityId: community.id, memberId: erased.memberId, tierId, note: "erase_me's moderator grant" } }),
    );
    // Events about both went to the owner's webhook endpoint; our delivery log names them.
    await inScope(async (tx) => {
      const endpoint = await tx.webhookEndpoint.create({
        data: { communityId: community.id, url: "https://example.com/hook", secretEncrypted: "v1.x", active: false },
      });
      for (const [who, discordId] of [
        [erased.memberId, erased.user.discordId],
        [bystander.memberId, bystander.user.discordId],
      ] as const) {
        await tx.webhookDelivery.create({
          data: {
            communityId: community.id,
            endpointId: endpoint.id,
            eventId: randomUUID(),
            eventType: "member.joined",
            payload: { data: { member_id: who, discord_user_id: discordId } },
          },
        });
      }
    });

    await eraseAccount(erased.user.id, { client: () => client });
    const comps = await inScope((tx) => tx.accessGrant.findMany({ where: { memberId: erased.memberId }, select: { note: true, revokedAt: true } }));
    expect(comps).toEqual([{ note: null, revokedAt: expect.any(Date) }]);

    expect(h.fake.objects.get(erased.stripeSubscriptionId)!.status).toBe("canceled");
    expect(h.fake.objects.get(bystander.stripeSubscriptionId)!.status).toBe("active");

    const user = await db.user.findUniqueOrThrow({ where: { id: erased.user.id } });
    expect(user).toMatchObject({ username: "Deleted user", globalName: null, email: null, avatarUrl: null, isAdmin: false });
    expect(user.discordId).toMatch(/^erased-[0-9a-f]{12}$/);
    expect(user.erasedAt).toBeInstanceOf(Date);
    expect(await db.session.count({ where: { userId: erased.user.id } })).toBe(0);
    expect(await db.account.count({ where: { userId: erased.user.id } })).toBe(0);

    const member = await inScope((tx) =>
      tx.communityMember.findUniqueOrThrow({ where: rowKey(erased.memberId), include: { payments: true, subscriptions: true } }),
    );
    expect(member).toMatchObject({ isActive: false, nickname: null, subscriptionStatus: "canceled" });
    expect(member.erasedAt).toBeInstanceOf(Date);
    expect(member.subscriptions.map((s) => s.status)).toEqual(["canceled"]);
    expect(member.payments.map((p) => p.amount.toFixed(2))).toEqual(["15.00"]);

    const events = await asOwner(
      async (c) =>
        (
          await c.query(
            "SELECT user_id, discord_user_id, ip_address, user_agent FROM analytics_events WHERE community_id = $1 AND event_name = 'community_page_viewed' ORDER BY user_id NULLS FIRST",
            [community.id],
          )
        ).rows,
    );
    expect(events).toHaveLength(2);
    expect(events[0]).toEqual({ user_id: null, discord_user_id: null, ip_address: null, user_agent: null });
    expect(events[1]).toMatchObject({ user_id: bystander.user.id, ip_address: "198.51.100.23" });
    expect(
      await asOwner(
        async (c) =>
          (await c.query("SELECT count(*)::int AS n FROM analytics_events WHERE user_id = $1 OR discord_user_id = $2", [erased.user.id, erased.user.discordId]))
            .rows[0].n,
      ),
    ).toBe(0);

    const logged = await inScope((tx) => tx.webhookDelivery.findMany({ where: { eventType: "member.joined" }, select: { payload: true } }));
    expect(logged.map((d) => (d.payload as { data: { member_id: string } }).data.member_id)).toEqual([bystander.memberId]);

    const audit = await inScope((tx) => tx.auditLog.findMany({ where: { objectId: erased.memberId }, select: { action: true } }));
    expect(audit).toEqual([{ action: "member.erased" }]);
    expect(await queuedJobs(erased.memberId)).toContain(JOB_KINDS.finishMemberExit);

    // The job: no bot in this community, so no roles to remove; the last Discord id is scrubbed.
    await taskList[JOB_KINDS.finishMemberExit]!({ communityId: community.id, memberId: erased.memberId }, helpers);
    const scrubbed = await inScope((tx) => tx.communityMember.findUniqueOrThrow({ where: rowKey(erased.memberId), select: { discordUserId: true } }));
    expect(scrubbed.discordUserId).toBe("");
    const exported = await exportMemberData(community.id, erased.memberId);
    expect(JSON.stringify(exported)).not.toContain(erased.user.discordId);
    expect(exported!.membership.payments).toHaveLength(1);

    const other = await inScope((tx) => tx.communityMember.findUniqueOrThrow({ where: rowKey(bystander.memberId) }));
    expect(other).toMatchObject({ isActive: true, subscriptionStatus: "active", nickname: "erase_bystander nick", erasedAt: null });
  });

  it("refuses while the user owns a live community, and a second time", async () => {
    const owner = await db.user.findUniqueOrThrow({ where: { id: community.ownerId } });
    await expect(eraseAccount(owner.id, { client: () => client })).rejects.toThrow(ERASURE_ERRORS.ownsCommunities);
    expect((await db.user.findUniqueOrThrow({ where: { id: owner.id } })).erasedAt).toBeNull();

    const once = await createUser("erase_twice");
    await eraseAccount(once.id, { client: () => client });
    await expect(eraseAccount(once.id, { client: () => client })).rejects.toThrow(ERASURE_ERRORS.alreadyErased);
  });

  it("changes nothing when Stripe cannot cancel", async () => {
    const m = await payingMember("erase_stripe_down");
    const broken = createStripe({ mode: "demo", url: "http://127.0.0.1:9" });
    await expect(eraseAccount(m.user.id, { client: () => broken })).rejects.toBeInstanceOf(ActionError);
    expect((await db.user.findUniqueOrThrow({ where: { id: m.user.id } })).erasedAt).toBeNull();
    expect(await db.session.count({ where: { userId: m.user.id } })).toBe(1);
    const member = await inScope((tx) => tx.communityMember.findUniqueOrThrow({ where: rowKey(m.memberId) }));
    expect(member).toMatchObject({ isActive: true, erasedAt: null, subscriptionStatus: "active" });
  }, 60_000);
});

describe("an owner removing a member", () => {
  it("cancels the subscription at Stripe, deactivates the member, queues the role removal, and lets them rejoin", async () => {
    const m = await payingMember("remove_me");
    const result = await removeMember(community, m.memberId, inScope, () => client);
    expect(result.cancelled).toEqual(["Gold"]);
    expect(h.fake.objects.get(m.stripeSubscriptionId)!.status).toBe("canceled");
    const member = await inScope((tx) => tx.communityMember.findUniqueOrThrow({ where: rowKey(m.memberId) }));
    expect(member).toMatchObject({ isActive: false, subscriptionStatus: "canceled", discordUserId: m.user.discordId });
    expect(member.removedAt).toBeInstanceOf(Date);
    expect(await queuedJobs(m.memberId)).toContain(JOB_KINDS.finishMemberExit);

    await expect(removeMember(community, m.memberId, inScope, () => client)).rejects.toThrow(REMOVE_ERRORS.alreadyRemoved);

    await inScope((tx) => joinCommunity(community, m.actor, tx));
    const back = await inScope((tx) => tx.communityMember.findUniqueOrThrow({ where: rowKey(m.memberId) }));
    expect(back).toMatchObject({ isActive: true, removedAt: null });
  });

  it("takes the member's lock before touching their rows, as a subscription's webhook does, so the two cannot deadlock", async () => {
    const { memberId } = await payingMember("lock_order");
    // Another transaction holds the member's lock, as the webhook of the cancellation just made at Stripe would.
    await behindMemberLock(
      memberId,
      () => inScope((tx) => endMembership(tx, community.id, memberId, { erase: false, now: new Date() })),
      // Ending the membership waits for the lock before it touches the subscription, which stays free meanwhile.
      async () =>
        expect(await asOwnerInScope(community.id, "SELECT status FROM subscriptions WHERE member_id = $1 FOR UPDATE NOWAIT", [memberId])).toEqual([
          { status: "active" },
        ]),
    );
    const [sub] = await inScope((tx) => tx.subscription.findMany({ where: { memberId }, select: { status: true } }));
    expect(sub).toEqual({ status: "canceled" });
  });

  it("cannot reach a member of another community", async () => {
    const owner = await createUser("remove_other_owner");
    const other = await createCommunity(owner.id);
    const stranger = await createUser("remove_stranger");
    const memberId = await withCommunity(
      other.id,
      async (tx) => (await tx.communityMember.create({ data: { communityId: other.id, userId: stranger.id, discordUserId: stranger.discordId } })).id,
    );
    await expect(removeMember(community, memberId, inScope, () => client)).rejects.toThrow(REMOVE_ERRORS.notFound);
    expect(await exportMemberData(community.id, memberId)).toBeNull();
    const untouched = await withCommunity(other.id, (tx) => tx.communityMember.findUniqueOrThrow({ where: rowKey(memberId) }));
    expect(untouched.isActive).toBe(true);
  });
});
