// The demo seed's history, put where the keyless demo's Stripe and Discord keep
// theirs (the local fakes): a connected account with charges enabled and the
// tiers synced through the app's own code, then the members' customers,
// subscriptions, invoices and charges as Stripe would hold them; and the
// members in the Discord server with the roles they pay for. Demo only.
import type Stripe from "stripe";
import { refreshConnectState, startOnboarding } from "../lib/billing/connect";
import { productWithMonthlyPrice, unix } from "../e2e/fakes/stripe/stored-objects";
import { toMinorUnits } from "../lib/billing/money";
import { createStripe } from "../lib/billing/stripe";
import { db } from "../lib/db/client";
import { withCommunity } from "../lib/db/scopes";
import { syncAllTiers } from "../lib/tiers/service";

type SeededInvoice = { invoice: string; paymentIntent: string; charge: string; amount: string; paidAt: Date; failed: boolean; first: boolean };
export type SeededCommunity = {
  community: { id: string; slug: string; name: string; ownerId: string; stripeAccountId: string | null; subscriptionTier: string };
  guildId: string;
  tiers: { id: string; name: string }[];
  members: {
    memberId: string;
    userId: string;
    discordUserId: string;
    name: string;
    roles: string[];
    subscription: null | {
      id: string;
      customerId: string;
      tierId: string;
      status: string;
      created: Date;
      periodStart: Date;
      periodEnd: Date;
      canceledAt: Date | null;
      trialDays: number;
      invoices: SeededInvoice[];
    };
  }[];
};

export async function mirrorToFakeStripe(seeded: SeededCommunity, fakeUrl: string, legacy?: { product: string; price: string; count: number }): Promise<void> {
  const client = createStripe({ mode: "demo", url: fakeUrl });
  const { community } = seeded;
  // Connected as an owner would: the account, its onboarding, then every tier mirrored.
  const link = await startOnboarding(community, { returnUrl: "http://localhost/", refreshUrl: "http://localhost/" }, client);
  await fetch(link, { method: "POST", redirect: "manual" });
  const connected = await db.community.findUniqueOrThrow({ where: { id: community.id }, select: { id: true, stripeAccountId: true } });
  await refreshConnectState(connected, client);
  const account = connected.stripeAccountId!;
  await syncAllTiers(connected, (fn) => withCommunity(community.id, fn), client);

  const tiers = await withCommunity(community.id, (tx) => tx.subscriptionTier.findMany({ select: { id: true, stripePriceId: true } }));
  const prices = new Map<string, Stripe.Price>();
  for (const t of tiers) prices.set(t.id, await client.prices.retrieve(t.stripePriceId!, {}, { stripeAccount: account }));

  const objects: Record<string, unknown>[] = [];
  for (const m of seeded.members) {
    const sub = m.subscription;
    if (!sub) continue;
    const price = prices.get(sub.tierId)!;
    const metadata = { community_id: community.id, member_id: m.memberId, tier_id: sub.tierId };
    objects.push({
      id: sub.customerId,
      object: "customer",
      name: m.name,
      email: null,
      metadata: { ...metadata, user_id: m.userId },
      created: unix(sub.created),
    });
    const ended = sub.canceledAt ? unix(sub.canceledAt) : null;
    objects.push({
      id: sub.id,
      object: "subscription",
      status: sub.status,
      customer: sub.customerId,
      currency: price.currency,
      metadata,
      items: {
        object: "list",
        data: [
          {
            id: `si_${sub.id.slice(4)}`,
            object: "subscription_item",
            price,
            quantity: 1,
            current_period_start: unix(sub.periodStart),
            current_period_end: unix(sub.periodEnd),
          },
        ],
      },
      cancel_at_period_end: false,
      canceled_at: ended,
      ended_at: ended,
      cancellation_details: { comment: null, feedback: null, reason: ended ? "cancellation_requested" : null },
      trial_start: sub.trialDays ? unix(sub.periodStart) : null,
      trial_end: sub.trialDays ? unix(sub.periodEnd) : null,
      created: unix(sub.created),
    });
    for (const inv of sub.invoices) {
      const amount = toMinorUnits(inv.amount, price.currency);
      objects.push({
        id: inv.charge,
        object: "charge",
        amount,
        amount_refunded: 0,
        refunded: false,
        currency: price.currency,
        payment_intent: inv.paymentIntent,
        customer: sub.customerId,
        status: inv.failed ? "failed" : "succeeded",
        created: unix(inv.paidAt),
      });
      objects.push({
        id: inv.invoice,
        object: "invoice",
        status: inv.failed ? "open" : "paid",
        billing_reason: inv.first ? "subscription_create" : "subscription_cycle",
        customer: sub.customerId,
        currency: price.currency,
        amount_due: amount,
        amount_paid: inv.failed ? 0 : amount,
        parent: { type: "subscription_details", subscription_details: { subscription: sub.id, metadata } },
        payments: {
          object: "list",
          data: [
            {
              object: "invoice_payment",
              status: inv.failed ? "open" : "paid",
              payment: { type: "payment_intent", payment_intent: inv.paymentIntent, charge: inv.charge },
            },
          ],
        },
        status_transitions: { paid_at: inv.failed ? null : unix(inv.paidAt) },
        lines: { data: [{ amount, description: "1 × membership" }] },
        created: unix(inv.paidAt),
      });
    }
  }
  if (legacy) objects.push(...legacySubscriptions(legacy));
  const response = await fetch(`${fakeUrl}/_control/import`, { method: "POST", body: JSON.stringify({ account, objects }) });
  if (!response.ok) throw new Error(`the fake Stripe refused the demo's objects: ${response.status} ${await response.text()}`);
}

/** A product, its monthly price and `count` live subscriptions made by another platform (no metadata of ours), one cancelled. */
export function legacySubscriptions(legacy: { product: string; price: string; count: number }, prefix = "legacy"): Record<string, unknown>[] {
  const created = unix(new Date(Date.UTC(2026, 5, 1)));
  const periodStart = unix(new Date()) - 10 * 86_400;
  const { product, price } = productWithMonthlyPrice(
    { product: `prod_${prefix}_guildpass`, price: `price_${prefix}_guildpass` },
    legacy.product,
    toMinorUnits(legacy.price, "usd"),
    created,
  );
  const objects: Record<string, unknown>[] = [product, price];
  for (let i = 1; i <= legacy.count + 1; i++) {
    const n = String(i).padStart(4, "0");
    const cancelled = i === legacy.count + 1;
    objects.push({
      id: `cus_${prefix}_${n}`,
      object: "customer",
      name: `Legacy member ${i}`,
      email: `${prefix}${i}@example.com`,
      metadata: {},
      created: created + i,
    });
    objects.push({
      id: `sub_${prefix}_${n}`,
      object: "subscription",
      status: cancelled ? "canceled" : "active",
      customer: `cus_${prefix}_${n}`,
      currency: "usd",
      metadata: {},
      items: {
        object: "list",
        data: [
          {
            id: `si_${prefix}_${n}`,
            object: "subscription_item",
            price,
            quantity: 1,
            current_period_start: periodStart,
            current_period_end: periodStart + 30 * 86_400,
          },
        ],
      },
      cancel_at_period_end: false,
      canceled_at: cancelled ? periodStart : null,
      ended_at: cancelled ? periodStart : null,
      cancellation_details: { comment: null, feedback: null, reason: null },
      trial_start: null,
      trial_end: null,
      created: created + i,
    });
  }
  return objects;
}

/** Seeded members are in the server (they joined long ago), with the roles their tier grants. */
export async function mirrorToFakeDiscord(seeded: SeededCommunity, fakeUrl: string): Promise<void> {
  for (const m of seeded.members) {
    const response = await fetch(`${fakeUrl}/_control/guilds/${seeded.guildId}/members/${m.discordUserId}`, {
      method: "POST",
      body: JSON.stringify({ roles: m.roles }),
    });
    if (!response.ok) throw new Error(`the fake Discord refused a demo member: ${response.status}`);
  }
}
