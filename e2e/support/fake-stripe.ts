import { expect } from "@playwright/test";

/** Holds (or releases) the fake Stripe's webhook deliveries, to look at the app in between. */
export async function stripeWebhooks(action: "pause" | "resume") {
  const response = await fetch(`${process.env.STRIPE_FAKE_URL}/_control/webhooks/${action}`, { method: "POST" });
  expect(response.ok).toBe(true);
}

/** Reads an object back from the fake Stripe, as the platform would with its key. */
export async function stripeGet(path: string, account: string) {
  const response = await fetch(`${process.env.STRIPE_FAKE_URL}/v1/${path}`, {
    headers: { authorization: "Bearer sk_test_communityos_demo", "stripe-account": account },
  });
  return response.json();
}
