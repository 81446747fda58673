// CommunityOS plans for owners: Pro bought through Checkout on the platform's
// own Stripe account (not the community's connected one), kept in step by the
// platform endpoint's webhooks, managed in the platform's portal; a lapsed Pro
// falls back to Free and members keep exactly the access they had.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mirrorPlatformPlans } from "../e2e/fakes/stripe/platform-plans";
import { openPlanPortal, PLAN_ERRORS, readPlan, startPlanCheckout } from "../lib/billing/owner-plan";
import { applicationFeePercent, planAllows } from "../lib/billing/plans";
import { receivePlatformWebhook } from "../lib/billing/webhooks/platform-receive";
import { withCommunity } from "../lib/db/scopes";
import { asOwner, createTenant, queuedJobs } from "./support/fixtures";
import { sign, signedEvent, startStripeHarness, WEBHOOK_SECRET, type Delivery, type StripeHarness } from "./support/stripe-webhooks";

let h: StripeHarness;
let tenant: Awaited<ReturnType<typeof createTenant>>;

/** An event of the platform's own account: Stripe sends it without `account`. */
function platformEvent(type: string, object: object): Delivery {
  const id = `evt_platform_${Math.random().toString(36).slice(2)}`;
  const raw = JSON.stringify({ id, object: "event", created: Math.floor(Date.now() / 1000), type, livemode: false, data: { object } });
  return { raw, signature: sign(raw), type, id };
}

const platform = (d: Delivery) => receivePlatformWebhook(d.raw, d.signature, { secret: WEBHOOK_SECRET, stripe: () => h.client });

async function memberState(communityId: string) {
  return withCommunity(communityId, (tx) =>
    tx.communityMember.findMany({
      select: { id: true, subscriptionStatus: true, subscriptionTier: true, roles: true, isActive: true },
      orderBy: { id: "asc" },
    }),
  );
}

const roleJobs = async (communityId: string) => (await queuedJobs(communityId)).filter((j) => j.kind.startsWith("discord:")).length;

beforeAll(async () => {
  h = await startStripeHarness();
  await mirrorPlatformPlans(h.fake.url);
  tenant = await createTenant("plan_owner");
});
afterAll(async () => {
  await h.close();
});

describe("an owner's CommunityOS plan", () => {
  let subscriptionId: string;

  it("is bought through Checkout on the platform's account and applied by the platform endpoint's webhooks, once", async () => {
    const id = tenant.community.id;
    expect(planAllows("free", "analytics")).toBe(false);
    const membersBefore = await memberState(id);
    const jobsBefore = await roleJobs(id);

    const url = await startPlanCheckout(id, tenant.owner.id, h.client, "http://localhost");
    const sessionId = /\/checkout\/platform\/(cs_test_\w+)$/.exec(url)?.[1];
    expect(sessionId, url).toBeTruthy(); // on the platform's account, not a connected one
    const session = await h.client.checkout.sessions.retrieve(sessionId!);
    expect(session).toMatchObject({ mode: "subscription", client_reference_id: id, metadata: { communityos_plan: "pro", community_id: id } });
    const plan = await readPlan(id);
    expect(plan.planCustomerId).toBe(session.customer);
    // Paying twice for a second session reuses the owner's customer.
    await startPlanCheckout(id, tenant.owner.id, h.client, "http://localhost");
    expect((await readPlan(id)).planCustomerId).toBe(plan.planCustomerId);

    const paid = await fetch(url, { method: "POST", body: new URLSearchParams({ outcome: "pay" }), redirect: "manual" });
    expect(paid.status).toBe(303);
    const deliveries = await h.take();
    expect(deliveries.map((d) => d.type).sort()).toEqual(["checkout.session.completed", "customer.subscription.created", "invoice.paid"]);
    const outcomes = Object.fromEntries(await Promise.all(deliveries.map(async (d) => [d.type, (await platform(d)).body.outcome])));
    expect(Object.values(outcomes).sort()).toEqual(["ignored", "updated", "upgraded"]);
    expect(outcomes["invoice.paid"]).toBe("ignored");

    const after = await readPlan(id);
    expect(after).toMatchObject({ subscriptionTier: "pro", planStatus: "active", planCustomerId: plan.planCustomerId });
    subscriptionId = (await asOwner((c) => c.query<{ s: string }>("SELECT plan_subscription_id AS s FROM communities WHERE id = $1", [id]))).rows[0]!.s;
    expect(subscriptionId).toMatch(/^sub_/);
    expect(applicationFeePercent(after.subscriptionTier)).toBe(1);
    expect(planAllows(after.subscriptionTier, "analytics")).toBe(true);
    const audit = await withCommunity(id, (tx) => tx.auditLog.findMany({ where: { action: { startsWith: "plan." } }, select: { action: true } }));
    expect(audit.map((a) => a.action)).toEqual(["plan.upgraded"]);

    // Stripe sends an event again: nothing happens twice.
    const again = deliveries.find((d) => d.type === "checkout.session.completed")!;
    expect((await platform(again)).body.outcome).toBe("duplicate");
    // The members were not touched, and no Discord job was queued for them.
    expect(await memberState(id)).toEqual(membersBefore);
    expect(await roleJobs(id)).toBe(jobsBefore);
    await expect(startPlanCheckout(id, tenant.owner.id, h.client, "http://localhost")).rejects.toThrow(PLAN_ERRORS.alreadyPro);
  });

  it("opens the platform's customer portal for the owner's customer", async () => {
    const url = await openPlanPortal(tenant.community.id, h.client, "http://localhost");
    expect(url).toMatch(/\/billing-portal\/bps_\w+\?return_url=/);
    expect(decodeURIComponent(url)).toContain(`/dashboard/${tenant.community.slug}/payouts`);
    const page = await fetch(url);
    expect(page.status).toBe(200);
  });

  it("falls back to Free when the plan lapses, members untouched", async () => {
    const id = tenant.community.id;
    const membersBefore = await memberState(id);
    const jobsBefore = await roleJobs(id);
    await h.client.subscriptions.cancel(subscriptionId);
    const deliveries = await h.take();
    const deleted = deliveries.find((d) => d.type === "customer.subscription.deleted");
    expect(deleted).toBeDefined();
    expect((await platform(deleted!)).body.outcome).toBe("lapsed");
    expect(await readPlan(id)).toMatchObject({ subscriptionTier: "free", planStatus: "canceled" });
    expect(planAllows("free", "analytics")).toBe(false);
    expect(applicationFeePercent("free")).toBe(5);
    expect(await memberState(id)).toEqual(membersBefore);
    expect(await roleJobs(id)).toBe(jobsBefore);
    const audit = await withCommunity(id, (tx) =>
      tx.auditLog.findMany({ where: { action: { startsWith: "plan." } }, select: { action: true }, orderBy: { createdAt: "asc" } }),
    );
    expect(audit.map((a) => a.action)).toEqual(["plan.upgraded", "plan.lapsed"]);
  });

  it("refuses what is not its to take: a bad signature, a connected account's event, another subscription", async () => {
    const good = signedEvent("customer.subscription.updated", { id: "sub_x", object: "subscription" }, "acct_someone");
    expect(
      (await receivePlatformWebhook(good.raw, sign(good.raw, { secret: "whsec_not_this_endpoint" }), { secret: WEBHOOK_SECRET, stripe: () => h.client }))
        .status,
    ).toBe(400);
    expect((await receivePlatformWebhook(good.raw, good.signature, { secret: WEBHOOK_SECRET, stripe: () => h.client })).body).toMatchObject({
      outcome: "ignored",
    });
    // A platform event that is no plan of ours (a subscription without our marks) changes nothing.
    const unmarked = { ...(await h.client.subscriptions.retrieve(subscriptionId)), id: "sub_someone_elses", status: "active", metadata: {} };
    const stray = platformEvent("customer.subscription.updated", unmarked);
    expect((await platform(stray)).body.outcome).toBe("ignored");
    expect((await readPlan(tenant.community.id)).subscriptionTier).toBe("free");
  });
});
