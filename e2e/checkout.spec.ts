import { expect, test } from "@playwright/test";
import { signInAs, signOut } from "./support/auth";
import { enablePayments } from "./support/payments";
import { query } from "./support/db";
import { fakeDiscord, type GuildState } from "./support/fake-discord";

/** Holds (or releases) the fake Stripe's webhook deliveries, to look at the app in between. */
async function stripeWebhooks(action: "pause" | "resume") {
  const response = await fetch(`${process.env.STRIPE_FAKE_URL}/_control/webhooks/${action}`, { method: "POST" });
  expect(response.ok).toBe(true);
}

/** Reads an object back from the fake Stripe, as the platform would with its key. */
async function stripeGet(path: string, account: string) {
  const response = await fetch(`${process.env.STRIPE_FAKE_URL}/v1/${path}`, {
    headers: { authorization: "Bearer sk_test_communityos_demo", "stripe-account": account },
  });
  return response.json();
}

test("a member subscribes through Stripe Checkout; access waits for the webhook", async ({ page }) => {
  // The owner enables payments for Study Hall and mirrors its tier to Stripe.
  await enablePayments(page, "study-hall", "Focus");
  const form = page.getByRole("region", { name: "New tier" });
  await form.getByLabel("Tier name").fill("Focus Plus");
  await form.getByLabel("Price").fill("8.00");
  await form.getByRole("button", { name: "Create tier" }).click();
  await expect(page.getByText("Tier saved.")).toBeVisible();
  await signOut(page);

  await signInAs(page, "Carol Owner", "/c/study-hall");
  await page.getByRole("button", { name: "Subscribe to Focus", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Demo Stripe Checkout" })).toBeVisible();
  await expect(page.getByText("4.00 USD / month")).toBeVisible();

  await page.getByRole("button", { name: "Pay with a card that is declined" }).click();
  await expect(page.getByRole("alert")).toContainText("Your card was declined");
  await stripeWebhooks("pause");
  await page.getByRole("button", { name: "Pay", exact: true }).click();

  await expect(page).toHaveURL(/\/c\/study-hall\/welcome\?session_id=cs_test_\w+$/);
  await expect(page.getByRole("heading", { name: "Thanks for joining Study Hall" })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Confirming payment…" })).toBeVisible();

  // The session carries what the webhook will need; the redirect granted nothing.
  const sessionId = new URL(page.url()).searchParams.get("session_id")!;
  const [community] = await query<{ id: string; stripe_account_id: string }>("SELECT id, stripe_account_id FROM communities WHERE slug = 'study-hall'");
  const [member] = await query<{ id: string; subscription_status: string }>(
    "SELECT m.id, m.subscription_status FROM community_members m JOIN users u ON u.id = m.user_id WHERE m.community_id = $1 AND u.username = 'carol'",
    [community!.id],
  );
  const [tier] = await query<{ id: string }>("SELECT id FROM subscription_tiers WHERE community_id = $1 AND name = 'Focus'", [community!.id]);
  const session = await stripeGet(`checkout/sessions/${sessionId}`, community!.stripe_account_id);
  const metadata = { community_id: community!.id, member_id: member!.id, tier_id: tier!.id };
  expect(session).toMatchObject({ status: "complete", metadata, subscription_data: { metadata, application_fee_percent: "5" }, allow_promotion_codes: true });
  expect(member!.subscription_status).toBe("none");
  expect(await query("SELECT id FROM subscriptions WHERE member_id = $1", [member!.id])).toEqual([]);

  // Stripe's events arrive: the webhook, and only it, makes the membership active.
  await stripeWebhooks("resume");
  await expect(page.getByText("You're in! Your Focus membership of Study Hall is active.")).toBeVisible({ timeout: 15_000 });
  const [active] = await query<{ subscription_status: string; subscription_tier: string; total_spent: string }>(
    "SELECT subscription_status, subscription_tier, total_spent::text FROM community_members WHERE id = $1",
    [member!.id],
  );
  expect(active).toEqual({ subscription_status: "active", subscription_tier: "Focus", total_spent: "4.00" });
  expect(await query("SELECT amount::text, status FROM payments WHERE member_id = $1", [member!.id])).toEqual([{ amount: "4.00", status: "succeeded" }]);
  // The bot (the worker, against the fake Discord) gives Carol the Focus role and welcomes her.
  await expect
    .poll(async () => (await fakeDiscord<GuildState>("guilds/200000000000000002")).members["100000000000000003"] ?? [], { timeout: 20_000 })
    .toContain("300000000000000011");
  await expect
    .poll(async () => (await fakeDiscord<GuildState>("guilds/200000000000000002")).messages.map((m) => m.content), { timeout: 20_000 })
    .toContainEqual("✅ <@100000000000000003> is now a paying member (Focus).");
  expect(await query("SELECT type, outcome FROM stripe_events WHERE community_id = $1 ORDER BY type", [community!.id])).toEqual([
    { type: "checkout.session.completed", outcome: "processed" },
    { type: "customer.subscription.created", outcome: "processed" },
    { type: "invoice.paid", outcome: "processed" },
  ]);

  await page.goto("/portal");
  const card = page.getByTestId("subscription-Focus");
  await expect(card).toContainText("$4.00 / month");
  await card.getByRole("button", { name: "Cancel at period end" }).click();
  await expect(card.getByText(/Your membership will end on \w{3} \d{1,2}, \d{4}/)).toBeVisible();
  expect((await stripeGet(`subscriptions/${session.subscription}`, community!.stripe_account_id)).cancel_at_period_end).toBe(true);
  await card.getByRole("button", { name: "Resume membership" }).click();
  await expect(card.getByText("Your membership will renew as usual.")).toBeVisible();
  expect((await stripeGet(`subscriptions/${session.subscription}`, community!.stripe_account_id)).cancel_at_period_end).toBe(false);

  await card.getByLabel("Switch tier").selectOption({ label: "Focus Plus — $8.00/mo" });
  await card.getByRole("button", { name: "Preview change" }).click();
  await expect(card.getByText("Switching to Focus Plus")).toBeVisible();
  await expect(card.getByText("Due now")).toBeVisible();
  await card.getByRole("button", { name: "Confirm switch" }).click();
  await expect(card.getByText("Switched to Focus Plus.")).toBeVisible();
  const [plus] = await query<{ stripe_price_id: string }>("SELECT stripe_price_id FROM subscription_tiers WHERE community_id = $1 AND name = 'Focus Plus'", [community!.id]);
  expect((await stripeGet(`subscriptions/${session.subscription}`, community!.stripe_account_id)).items.data[0].price.id).toBe(plus!.stripe_price_id);
  // The switch reaches our rows through customer.subscription.updated.
  await expect
    .poll(async () => (await query<{ tier_name: string }>("SELECT tier_name FROM subscriptions WHERE member_id = $1", [member!.id]))[0]?.tier_name)
    .toBe("Focus Plus");

  // Holding a tier, the member cannot buy it twice; canceling a checkout returns to the page.
  await page.goto("/c/study-hall");
  await page.getByRole("button", { name: "Subscribe to Focus Plus" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "You already have this membership." })).toBeVisible();
  await page.getByRole("button", { name: "Subscribe to Focus", exact: true }).click();
  await page.getByRole("link", { name: "← Back to the community" }).click();
  await expect(page).toHaveURL(/\/c\/study-hall\?checkout=canceled$/);
  await expect(page.getByText("Checkout canceled. You weren't charged.")).toBeVisible();
});

test("a community without payments offers no checkout, and posting one is refused", async ({ page }) => {
  await signInAs(page, "Bob Member", "/c/pixel-guild");
  await expect(page.getByRole("region", { name: "Membership tiers" }).getByRole("button", { name: "Not open yet" }).first()).toBeDisabled();
  const [tier] = await query<{ id: string }>("SELECT t.id FROM subscription_tiers t JOIN communities c ON c.id = t.community_id WHERE c.slug = 'pixel-guild' AND t.name = 'Pro'");
  // Bob's form for another community's open checkout, pointed at Pixel Guild's tier.
  await page.goto("/c/study-hall");
  await page.locator('form:has(button:text-is("Subscribe to Focus"))').evaluate((form: HTMLFormElement, id: string) => {
    (form.querySelector('input[name="communitySlug"]') as HTMLInputElement).value = "pixel-guild";
    (form.querySelector('input[name="tierId"]') as HTMLInputElement).value = id;
  }, tier!.id);
  await page.getByRole("button", { name: "Subscribe to Focus", exact: true }).click();
  await expect(page.getByRole("alert").filter({ hasText: "This community isn't taking payments yet." })).toBeVisible();
});
