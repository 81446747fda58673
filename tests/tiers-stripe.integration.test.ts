import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type Stripe from "stripe";
import { startFakeStripe, type FakeStripe } from "../e2e/fakes/stripe/server";
import type { CommunityRef } from "../lib/actions/action-chain";
import { connectState, refreshConnectState, startOnboarding } from "../lib/billing/connect";
import { createStripe } from "../lib/billing/stripe";
import { db } from "../lib/db/client";
import { withCommunity, rowKey } from "../lib/db/scopes";
import { CHECKOUT_ERRORS, startCheckout } from "../lib/billing/checkout";
import { TIER_ERRORS } from "../lib/tiers/errors";
import { createTier, moveTier, syncTier, updateTier } from "../lib/tiers/service";
import { tierInputSchema } from "../lib/tiers/validation";
import { createCommunity, createUser, queuedJobs } from "./support/fixtures";
import { tierForm } from "./support/tier-form";

let fake: FakeStripe;
let client: Stripe;
let community: CommunityRef;

const input = (overrides: Record<string, string> = {}) =>
  tierInputSchema.parse(tierForm({ price: "9.99", currency: "usd", features: "Role\nChannel", ...overrides }));

const inScope = <T>(fn: Parameters<typeof withCommunity<T>>[1]) => withCommunity(community.id, fn);

beforeAll(async () => {
  fake = await startFakeStripe();
  client = createStripe({ mode: "demo", url: fake.url });
  const owner = await createUser("tier_owner");
  const c = await createCommunity(owner.id);
  community = {
    ...(await db.community.findUniqueOrThrow({
      where: { id: c.id },
      select: { id: true, slug: true, name: true, ownerId: true, stripeAccountId: true, subscriptionTier: true },
    })),
  };
});

afterAll(async () => {
  await fake.close();
  await db.$disconnect();
});

describe("Stripe Connect onboarding", () => {
  it("creates one connected account however often it is started, and reads its state on return", async () => {
    const urls = { returnUrl: "http://localhost/return", refreshUrl: "http://localhost/refresh" };
    const first = await startOnboarding(community, urls, client);
    const again = await startOnboarding({ ...community, stripeAccountId: null }, urls, client); // a retry before our row was read back
    const row = await db.community.findUniqueOrThrow({ where: { id: community.id } });
    expect(row.stripeAccountId).toMatch(/^acct_/);
    expect(
      [...fake.objects.values()].filter((o) => o.object === "account" && (o.metadata as Record<string, string>).community_id === community.id),
    ).toHaveLength(1);
    expect(new URL(first).pathname).toBe(`/connect/onboarding/${row.stripeAccountId}`);
    expect(new URL(again).searchParams.get("return_url")).toBe(urls.returnUrl);
    expect(connectState(row)).toBe("onboarding");

    await fetch(first, { method: "POST", redirect: "manual" }); // the owner completes the hosted form
    expect(await refreshConnectState(row, client)).toBe("charges_enabled");
    community = { ...community, stripeAccountId: row.stripeAccountId };
  });
});

describe("tiers mirrored to Stripe", () => {
  it("creates a Product and a monthly Price on the connected account", async () => {
    const { tierId, synced } = await createTier(input(), community, inScope, client);
    expect(synced).toBe(true);
    const tier = await inScope((tx) => tx.subscriptionTier.findUniqueOrThrow({ where: rowKey(tierId) }));
    const product = fake.objects.get(tier.stripeProductId!);
    const price = fake.objects.get(tier.stripePriceId!);
    expect(product).toMatchObject({ name: "Gold", metadata: { tier_id: tierId, community_id: community.id } });
    expect(price).toMatchObject({ unit_amount: 999, currency: "usd", recurring: { interval: "month" }, active: true, product: product!.id });
    expect(tier.features).toEqual(["Role", "Channel"]);
  });

  it("makes a new Price for a new amount and archives the old one, across any history", async () => {
    const { tierId } = await createTier(input({ name: "History", price: "5.00" }), community, inScope, client);
    const priceOf = async () => (await inScope((tx) => tx.subscriptionTier.findUniqueOrThrow({ where: rowKey(tierId) }))).stripePriceId!;
    const a = await priceOf();
    await updateTier(tierId, input({ name: "History", price: "7.00" }), community, inScope, client);
    const b = await priceOf();
    await updateTier(tierId, input({ name: "History", price: "5.00" }), community, inScope, client);
    expect(await priceOf()).toBe(a); // the same Price comes back, not a duplicate
    await updateTier(tierId, input({ name: "History", price: "7.00", interval: "yearly" }), community, inScope, client);
    const c = await priceOf();
    expect(new Set([a, b, c]).size).toBe(3);
    const prices = [...fake.objects.values()].filter((o) => o.object === "price" && (o.metadata as Record<string, string>).tier_id === tierId);
    expect(prices.filter((p) => p.active)).toEqual([expect.objectContaining({ id: c, unit_amount: 700, recurring: { interval: "year", interval_count: 1 } })]);
  });

  it("keeps the tier when Stripe is down, and finishes with Sync to Stripe", async () => {
    const down = createStripe({ mode: "demo", url: "http://127.0.0.1:1" });
    const result = await createTier(input({ name: "Offline" }), community, inScope, down);
    expect(result).toMatchObject({ synced: false, warning: "unanswered" });
    const saved = await inScope((tx) => tx.subscriptionTier.findUniqueOrThrow({ where: rowKey(result.tierId) }));
    expect([saved.stripePriceId, saved.stripeProblem]).toEqual([null, "Stripe didn't answer."]);
    // The worker tries again by itself, with backoff, until Stripe answers.
    expect(await queuedJobs(community.id)).toContainEqual({ kind: "billing:sync_tiers", payload: { communityId: community.id } });
    await syncTier(result.tierId, community, inScope, client);
    const synced = await inScope((tx) => tx.subscriptionTier.findUniqueOrThrow({ where: rowKey(result.tierId) }));
    expect(fake.objects.get(synced.stripePriceId!)).toMatchObject({ unit_amount: 999, active: true });
    expect(synced.stripeProblem).toBeNull();
  }, 60_000);

  it("keeps Stripe's refusal on the tier, sells the tier only once Stripe has it as saved, and clears the refusal when it does", async () => {
    const tier = await createTier(input({ name: "Dinar club", price: "5.00" }), community, inScope, client);
    const priceBefore = (await inScope((tx) => tx.subscriptionTier.findUniqueOrThrow({ where: rowKey(tier.tierId) }))).stripePriceId;

    // A currency Stripe does not charge in: saved here, refused there, the old Price left as it was.
    const refused = await updateTier(tier.tierId, input({ name: "Dinar club", price: "5.00", currency: "XDR" }), community, inScope, client);
    expect(refused).toMatchObject({ synced: false, warning: "refused" });
    const saved = await inScope((tx) => tx.subscriptionTier.findUniqueOrThrow({ where: rowKey(tier.tierId) }));
    expect(saved.stripeProblem).toBe("Stripe refused it: Invalid currency: xdr.");
    expect(saved.stripePriceId).toBe(priceBefore);
    await expect(syncTier(tier.tierId, community, inScope, client)).rejects.toThrow(TIER_ERRORS.stripe_refused);

    // Meanwhile nobody can pay the old Price for what the page now shows.
    const buyer = await createUser("refused_tier_buyer");
    const actor = { id: buyer.id, discordId: buyer.discordId, username: "refused_tier_buyer" };
    await expect(startCheckout(tier.tierId, { actor, community, inScope, origin: "http://x" }, client)).rejects.toThrow(CHECKOUT_ERRORS.unknownTier);

    await updateTier(tier.tierId, input({ name: "Dinar club", price: "5.00", currency: "EUR" }), community, inScope, client);
    const fixed = await inScope((tx) => tx.subscriptionTier.findUniqueOrThrow({ where: rowKey(tier.tierId) }));
    expect(fixed.stripeProblem).toBeNull();
    expect(fake.objects.get(fixed.stripePriceId!)).toMatchObject({ unit_amount: 500, currency: "eur", active: true });
  });

  it("refuses a duplicate name without calling Stripe", async () => {
    const before = fake.objects.size;
    await expect(createTier(input(), community, inScope, client)).rejects.toMatchObject({ fieldErrors: { name: ["is already used by another tier"] } });
    expect(fake.objects.size).toBe(before);
  });

  it("reorders tiers densely", async () => {
    const order = async () => await inScope((tx) => tx.subscriptionTier.findMany({ orderBy: { sortOrder: "asc" }, select: { name: true, sortOrder: true } }));
    const [first, second] = await order();
    await inScope((tx) => tx.subscriptionTier.findFirstOrThrow({ where: { name: second!.name } }).then((t) => moveTier(t.id, "up", tx)));
    const after = await order();
    expect(after.slice(0, 2).map((t) => t.name)).toEqual([second!.name, first!.name]);
    expect(after.map((t) => t.sortOrder)).toEqual(after.map((_, i) => i));
  });
});

describe("tier input", () => {
  it("refuses an amount over Stripe's largest charge (eight digits of minor units), in each currency's units", () => {
    const fieldErrors = (fields: Record<string, string>) => tierInputSchema.safeParse(tierForm(fields)).error?.flatten().fieldErrors;
    expect(fieldErrors({ price: "1000000.00" })?.price).toEqual(["must be at most 999999.99 USD, Stripe's largest charge"]);
    expect(fieldErrors({ price: "999999.99" })).toBeUndefined();
    expect(fieldErrors({ price: "99999999", currency: "JPY" })).toBeUndefined();
    expect(fieldErrors({ price: "100000", currency: "KWD" })?.price).toEqual(["must be at most 99999.99 KWD, Stripe's largest charge"]);
    expect(fieldErrors({ currencyPrices: "EUR 9.00\nGBP 2000000" })?.currencyPrices).toEqual([
      "GBP 2000000.00: must be at most 999999.99 GBP, Stripe's largest charge",
    ]);
  });

  it("refuses a price under Stripe's smallest charge where Stripe publishes one, in that currency (Stripe would carry it over unpaid)", () => {
    const fieldErrors = (fields: Record<string, string>) => tierInputSchema.safeParse(tierForm(fields)).error?.flatten().fieldErrors;
    expect(fieldErrors({ price: "0.49" })?.price).toEqual([
      "must be at least $0.50, Stripe's smallest charge (it carries a smaller one over to the member's next bill)",
    ]);
    expect(fieldErrors({ price: "0.50" })).toBeUndefined();
    expect(fieldErrors({ price: "0.29", currency: "GBP" })?.price).toHaveLength(1);
    expect(fieldErrors({ price: "0.30", currency: "GBP" })).toBeUndefined();
    expect(fieldErrors({ price: "49", currency: "JPY" })?.price?.[0]).toMatch(/^must be at least ¥50,/);
    // Other currencies and a pass's minimum are held to it too; a currency without a published minimum is not.
    expect(fieldErrors({ currencyPrices: "EUR 0.40" })?.currencyPrices).toEqual([
      "EUR 0.40: must be at least €0.50, Stripe's smallest charge (it carries a smaller one over to the member's next bill)",
    ]);
    expect(fieldErrors({ interval: "once", price: "0.20", payWhatYouWant: "on" })?.price).toHaveLength(1);
    expect(fieldErrors({ price: "0.10", currency: "KWD" })).toBeUndefined();
  });

  it("refuses what Stripe or the database would", () => {
    const bad = tierInputSchema.safeParse({
      name: "",
      description: "",
      price: "0",
      currency: "XYZ",
      interval: "weekly",
      features: "",
      discordRoleId: "abc",
      extraRoleIds: "1, 2",
      maxMembers: "-3",
      trialDays: "1000",
    });
    expect(bad.success).toBe(false);
    const fields = Object.keys(bad.error!.flatten().fieldErrors).sort();
    expect(fields).toEqual(["currency", "discordRoleId", "extraRoleIds", "interval", "maxMembers", "name", "price", "trialDays"]);
    expect(
      tierInputSchema.safeParse({
        ...input(),
        price: "500.50",
        currency: "JPY",
        features: "",
        extraRoleIds: "",
        maxMembers: "",
        discordRoleId: "",
        description: "",
      }).success,
    ).toBe(false);
  });
});
