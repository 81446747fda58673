import type Stripe from "stripe";
import { db } from "../db/client";
import { stripe } from "./stripe";

export type ConnectState = "not_connected" | "onboarding" | "charges_enabled";

export function connectState(c: { stripeAccountId: string | null; stripeChargesEnabled: boolean }): ConnectState {
  if (!c.stripeAccountId) return "not_connected";
  return c.stripeChargesEnabled ? "charges_enabled" : "onboarding";
}

/**
 * The community's connected account (created once: the idempotency key makes a
 * double click or a retry return the same account) and a fresh onboarding link.
 */
export async function startOnboarding(
  community: { id: string; stripeAccountId: string | null },
  urls: { returnUrl: string; refreshUrl: string },
  client: Stripe = stripe(),
) {
  let accountId = community.stripeAccountId;
  if (!accountId) {
    const account = await client.accounts.create(
      { type: "express", metadata: { community_id: community.id } },
      { idempotencyKey: `community-${community.id}-account` },
    );
    accountId = account.id;
    // Stripe first, then our row: a lost write is repaired by the same idempotent call.
    await db.community.update({ where: { id: community.id }, data: { stripeAccountId: accountId } });
  }
  const link = await client.accountLinks.create({
    account: accountId,
    type: "account_onboarding",
    return_url: urls.returnUrl,
    refresh_url: urls.refreshUrl,
  });
  return link.url;
}

/** Reads the account's state from Stripe and stores it (on return from onboarding; webhooks keep it fresh later). */
export async function refreshConnectState(community: { id: string; stripeAccountId: string | null }, client: Stripe = stripe()) {
  if (!community.stripeAccountId) return "not_connected" as const;
  const account = await client.accounts.retrieve(community.stripeAccountId);
  const updated = await db.community.update({
    where: { id: community.id },
    data: { stripeChargesEnabled: account.charges_enabled ?? false, stripeDetailsSubmitted: account.details_submitted ?? false },
    select: { stripeAccountId: true, stripeChargesEnabled: true },
  });
  return connectState(updated);
}
