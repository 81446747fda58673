// The Stripe fake's webhooks must be real enough to build the webhook endpoint
// against: signed over the raw body with the endpoint secret, in Stripe's shape.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Stripe from "stripe";
import { startFakeStripe, type FakeStripe } from "../e2e/fakes/stripe/server";
import { refreshConnectState, startOnboarding } from "../lib/billing/connect";
import { startCheckout } from "../lib/billing/checkout";
import { createStripe } from "../lib/billing/stripe";
import { db } from "../lib/db/client";
import { withCommunity } from "../lib/db/scopes";
import { createTier } from "../lib/tiers/service";
import { tierInputSchema } from "../lib/tiers/validation";
import { createCommunity, createUser } from "./support/fixtures";
import { tierForm } from "./support/tier-form";

const secret = `whsec_test_${Date.now()}`;
const received: { raw: string; signature: string }[] = [];
let receiver: Server;
let fake: FakeStripe;
let answer = 200;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      received.push({ raw: Buffer.concat(chunks).toString("utf8"), signature: String(req.headers["stripe-signature"]) });
      res.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const { port } = receiver.address() as AddressInfo;
  fake = await startFakeStripe({ webhook: { url: `http://127.0.0.1:${port}/api/webhooks/stripe`, secret } });
});

afterAll(async () => {
  await fake.close();
  await new Promise((resolve) => receiver.close(resolve));
  await db.$disconnect();
});

describe("the Stripe fake's webhooks", () => {
  it("delivers signed checkout, subscription and invoice events for a connected account", async () => {
    const client = createStripe({ mode: "demo", url: fake.url });
    const owner = await createUser("hook_owner");
    const c = await createCommunity(owner.id);
    await fetch(await startOnboarding({ id: c.id, stripeAccountId: null }, { returnUrl: "http://x/r", refreshUrl: "http://x/f" }, client), {
      method: "POST",
      redirect: "manual",
    });
    const community = await db.community.findUniqueOrThrow({
      where: { id: c.id },
      select: { id: true, slug: true, name: true, ownerId: true, stripeAccountId: true, subscriptionTier: true },
    });
    await refreshConnectState(community, client);
    const inScope = <T>(fn: Parameters<typeof withCommunity<T>>[1]) => withCommunity(community.id, fn);
    const input = tierInputSchema.parse(tierForm({ name: "Hooked", price: "3.50", currency: "EUR" }));
    const { tierId } = await createTier(input, community, inScope, client);
    const buyer = await createUser("hook_buyer");
    const { url } = await startCheckout(
      tierId,
      { actor: { id: buyer.id, discordId: buyer.discordId, username: "b" }, community, inScope, origin: "http://localhost" },
      client,
    );
    await fetch(url, { method: "POST", body: new URLSearchParams({ outcome: "pay" }), redirect: "manual" });
    await fake.settled();

    const verifier = new Stripe("sk_test_verifier");
    const events = received.map(({ raw, signature }) => verifier.webhooks.constructEvent(raw, signature, secret));
    expect(events.map((e) => e.type).sort()).toEqual(["checkout.session.completed", "customer.subscription.created", "invoice.paid"]);
    for (const event of events) expect(event.account).toBe(community.stripeAccountId);
    const metadata = { community_id: community.id, tier_id: tierId };
    const byType = Object.fromEntries(events.map((e) => [e.type, e.data.object as unknown as Record<string, unknown>]));
    expect(byType["checkout.session.completed"]).toMatchObject({ metadata, status: "complete" });
    expect(byType["customer.subscription.created"]).toMatchObject({ metadata, status: "active" });
    expect(byType["invoice.paid"]).toMatchObject({ amount_paid: 350, currency: "eur", status: "paid" });
    expect(() => verifier.webhooks.constructEvent(received[0]!.raw, received[0]!.signature, "whsec_wrong")).toThrow();
  });

  it("takes a Checkout session without a customer as Stripe does: subscription mode makes one when paid; an unknown one, or customer_creation outside payment mode, is refused", async () => {
    const client = createStripe({ mode: "demo", url: fake.url });
    const product = await client.products.create({ name: "Plan" });
    const price = await client.prices.create({ product: product.id, unit_amount: 900, currency: "usd", recurring: { interval: "month" } });
    const base = { mode: "subscription" as const, line_items: [{ price: price.id, quantity: 1 }], success_url: "http://x/ok", cancel_url: "http://x/no" };
    const session = await client.checkout.sessions.create(base);
    expect(session.customer).toBeNull();
    await fetch(session.url!, { method: "POST", body: new URLSearchParams({ outcome: "pay" }), redirect: "manual" });
    const paid = await client.checkout.sessions.retrieve(session.id);
    expect(paid.customer).toMatch(/^cus_/);
    const subscription = await client.subscriptions.retrieve(String(paid.subscription));
    expect(subscription.customer).toBe(paid.customer);
    await expect(client.checkout.sessions.create({ ...base, customer: "cus_missing" })).rejects.toMatchObject({ param: "customer" });
    await expect(client.checkout.sessions.create({ ...base, customer_creation: "always" })).rejects.toMatchObject({ param: "customer_creation" });
    // The customer portal, unlike Checkout, always needs a customer that exists.
    await expect(client.billingPortal.sessions.create({ customer: "cus_missing" })).rejects.toMatchObject({ param: "customer" });
    expect((await client.billingPortal.sessions.create({ customer: String(paid.customer) })).customer).toBe(paid.customer);
  });

  it("retries a failed delivery, as Stripe does", async () => {
    answer = 500;
    const before = fake.deliveries.length;
    const client = createStripe({ mode: "demo", url: fake.url });
    const subscription = [...fake.objects.values()].find((o) => o.object === "subscription")!;
    const accountId = [...fake.objects.values()].find((o) => o.object === "account")!.id;
    await client.subscriptions.update(subscription.id, { cancel_at_period_end: true }, { stripeAccount: accountId });
    await fake.settled();
    expect(fake.deliveries.slice(before)).toEqual([expect.objectContaining({ type: "customer.subscription.updated", status: 500, attempts: 3 })]);
    answer = 200;
  });
});
