import { expect, test, type Page } from "@playwright/test";
import { signInAs, signOut } from "./support/auth";
import { query } from "./support/db";
import { fakeDiscord, type GuildState } from "./support/fake-discord";
import { stripeGet, stripeWebhooks } from "./support/fake-stripe";
import { expectAccessible } from "./support/axe";

const STUDY_HALL_GUILD = "200000000000000002";
const FOCUS_ROLE = "300000000000000011";
const ERIN = "100000000000000004";
const ERIN_ALT = "100000000000000005";

const erinsRoles = async () => (await fakeDiscord<GuildState>(`guilds/${STUDY_HALL_GUILD}`)).members[ERIN] ?? null;

/** As the owner: a second tier for Study Hall, with a role the bot creates for it. */
async function addFocusPlus(page: Page) {
  await signInAs(page, "Alice Owner", "/dashboard/study-hall/tiers");
  const form = page.getByRole("region", { name: "New tier" });
  await form.getByLabel("Tier name").fill("Focus Plus");
  await form.getByLabel("Price").fill("8.00");
  await form.getByRole("button", { name: "Create a role for this tier" }).click();
  await expect(form.getByText("Created “Focus Plus” in your server, below the bot's role.")).toBeVisible();
  await expect(form.getByTestId("picked-role")).toHaveText("Members of this tier get “Focus Plus”.");
  await form.getByRole("button", { name: "Create tier" }).click();
  await expect(page.getByText("Tier saved.")).toBeVisible();
  // The community is connected to Stripe: the tier is mirrored at once, no "Sync" needed.
  await expect(page.getByRole("list", { name: "Tiers" }).getByText("not on Stripe")).toHaveCount(0);
  await signOut(page);
}

test("a newcomer pays through Stripe Checkout, the webhook grants access, and the bot puts her into the server with her role", async ({ page }) => {
  await addFocusPlus(page);
  const [plusTier] = await query<{ id: string; discord_role_id: string; stripe_price_id: string }>(
    "SELECT t.id, t.discord_role_id, t.stripe_price_id FROM subscription_tiers t JOIN communities c ON c.id = t.community_id WHERE c.slug = 'study-hall' AND t.name = 'Focus Plus'",
  );
  expect(await erinsRoles()).toBeNull(); // Erin is in no server at all

  await signInAs(page, "Erin Newcomer", "/c/study-hall");
  // A second tab, left open on the page from before she paid.
  const staleTab = await page.context().newPage();
  await staleTab.goto("/c/study-hall");
  await page.getByRole("button", { name: "Subscribe to Focus", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Demo Stripe Checkout" })).toBeVisible();
  await expect(page.getByText("4.00 USD / month")).toBeVisible();
  await page.getByRole("button", { name: "Pay with a card that is declined" }).click();
  await expect(page.getByRole("alert")).toContainText("Your card was declined");
  await stripeWebhooks("pause");
  await page.getByRole("button", { name: "Pay", exact: true }).click();

  await expect(page).toHaveURL(/\/c\/study-hall\/welcome\?session_id=cs_test_\w+$/);
  await expect(page.getByRole("status").filter({ hasText: "Confirming payment…" })).toBeVisible();
  // The session carries what the webhook will need; the redirect granted nothing.
  const sessionId = new URL(page.url()).searchParams.get("session_id")!;
  const [community] = await query<{ id: string; stripe_account_id: string }>("SELECT id, stripe_account_id FROM communities WHERE slug = 'study-hall'");
  const [member] = await query<{ id: string; subscription_status: string }>(
    "SELECT m.id, m.subscription_status FROM community_members m JOIN users u ON u.id = m.user_id WHERE m.community_id = $1 AND u.discord_id = $2",
    [community!.id, ERIN],
  );
  const [tier] = await query<{ id: string }>("SELECT id FROM subscription_tiers WHERE community_id = $1 AND name = 'Focus'", [community!.id]);
  const session = await stripeGet(`checkout/sessions/${sessionId}`, community!.stripe_account_id);
  const metadata = { community_id: community!.id, member_id: member!.id, tier_id: tier!.id };
  expect(session).toMatchObject({ status: "complete", metadata, subscription_data: { metadata, application_fee_percent: "5" }, allow_promotion_codes: true });
  expect(member!.subscription_status).toBe("none");

  // Stripe's events arrive: the webhook, and only it, makes the membership active; the bot adds her.
  await stripeWebhooks("resume");
  await expect(page.getByText("You're in! Your Focus membership of Study Hall is active.")).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId("guild-status")).toHaveText("You're in the server.", { timeout: 20_000 });
  await expect(page.getByRole("link", { name: "Open Discord" })).toHaveAttribute("href", `https://discord.com/channels/${STUDY_HALL_GUILD}`);
  await expectAccessible(page, "the welcome page, membership active");
  await expect.poll(erinsRoles, { timeout: 20_000 }).toEqual([FOCUS_ROLE]);
  await expect
    .poll(async () => (await fakeDiscord<GuildState>(`guilds/${STUDY_HALL_GUILD}`)).messages.map((m) => m.content), { timeout: 20_000 })
    .toEqual(
      expect.arrayContaining([
        "✅ <@100000000000000004> is now a paying member (Focus).",
        "Welcome to Study Hall, <@100000000000000004>! Your Focus perks are unlocked.",
      ]),
    );
  expect(await query("SELECT amount::text, status FROM payments WHERE member_id = $1", [member!.id])).toEqual([{ amount: "4.00", status: "succeeded" }]);

  // Holding Focus: her tier is marked, the other is a switch; a second checkout posted anyway is refused.
  await page.goto("/c/study-hall");
  const tiers = page.getByRole("region", { name: "Membership tiers" });
  await expect(tiers.getByRole("listitem").filter({ hasText: "Focus Plus" }).getByRole("link", { name: "Switch to Focus Plus" })).toBeVisible();
  await expect(
    tiers
      .getByRole("listitem")
      .filter({ has: page.getByRole("heading", { name: "Focus", exact: true }) })
      .getByText("Your tier", { exact: true }),
  ).toBeVisible();
  await expect(tiers.getByRole("button", { name: /^Subscribe to/ })).toHaveCount(0);
  const sessionsBefore = await query("SELECT 1 FROM analytics_events WHERE event_name = 'checkout_started' AND community_id = $1", [community!.id]);
  await staleTab.getByRole("button", { name: "Subscribe to Focus Plus", exact: true }).click();
  await expect(staleTab.getByRole("alert").filter({ hasText: "You already subscribe to another tier here." })).toBeVisible();
  await expect(staleTab.getByRole("link", { name: "Switch to this tier" })).toHaveAttribute("href", `/portal?switchTo=${plusTier!.id}`);
  await staleTab.getByRole("button", { name: "Subscribe to Focus", exact: true }).click();
  await expect(staleTab.getByRole("alert").filter({ hasText: "You already have this membership." })).toBeVisible();
  await expect(staleTab.getByRole("link", { name: "Manage your membership" })).toHaveAttribute("href", "/portal");
  expect(await query("SELECT 1 FROM analytics_events WHERE event_name = 'checkout_started' AND community_id = $1", [community!.id])).toHaveLength(
    sessionsBefore.length,
  );
  await staleTab.close();

  // Cancel: a confirmation and a reason; then "Cancels on …" and Resume.
  await page.goto("/portal");
  const card = page.getByTestId("subscription-Focus");
  await expect(card).toContainText("$4.00 / month");
  await card.getByRole("button", { name: "Cancel membership" }).click();
  const dialog = page.getByRole("dialog", { name: "Cancel your Focus membership?" });
  await expect(dialog).toBeVisible();
  await expectAccessible(page, "the cancel dialog");
  await dialog.getByLabel("Why are you leaving? (optional)").selectOption({ label: "I found an alternative" });
  await dialog.getByLabel("Anything the community should know? (optional)").fill("Moving to a study group at school");
  await dialog.getByRole("button", { name: "Cancel at period end" }).click();
  await expect(dialog).toBeHidden();
  await expect(card.getByTestId("subscription-state")).toHaveText(/^Cancels \w{3} \d{1,2}, \d{4}$/);
  await expect(card.getByText(/Cancels on \w{3} \d{1,2}, \d{4}/)).toBeVisible();
  const subscription = String(session.subscription);
  expect(await stripeGet(`subscriptions/${subscription}`, community!.stripe_account_id)).toMatchObject({
    cancel_at_period_end: true,
    cancellation_details: { feedback: "switched_service", comment: "Moving to a study group at school" },
  });
  // The reason reaches our row through the webhook, for the owner to read.
  await expect
    .poll(
      async () =>
        (await query<{ f: string | null }>("SELECT cancellation_feedback AS f FROM subscriptions WHERE stripe_subscription_id = $1", [subscription]))[0]?.f,
    )
    .toBe("switched_service");
  await card.getByRole("button", { name: "Resume membership" }).click();
  await expect(card.getByText("Your membership will renew as usual.")).toBeVisible();
  expect((await stripeGet(`subscriptions/${subscription}`, community!.stripe_account_id)).cancel_at_period_end).toBe(false);

  // Switching from the community page: the portal opens on the switch, with what it costs.
  await page.goto("/c/study-hall");
  await page.getByRole("link", { name: "Switch to Focus Plus" }).click();
  await expect(page).toHaveURL(/\/portal\?switchTo=/);
  await expect(card.getByText("Switching to Focus Plus")).toBeVisible();
  await expect(card.getByText("Due now")).toBeVisible();
  await card.getByRole("button", { name: "Confirm switch" }).click();
  await expect(card.getByText("Switched to Focus Plus.")).toBeVisible();
  expect((await stripeGet(`subscriptions/${subscription}`, community!.stripe_account_id)).items.data[0].price.id).toBe(plusTier!.stripe_price_id);
  // The switch reaches our rows through customer.subscription.updated; the bot swaps the roles.
  await expect
    .poll(async () => (await query<{ tier_name: string }>("SELECT tier_name FROM subscriptions WHERE member_id = $1", [member!.id]))[0]?.tier_name)
    .toBe("Focus Plus");
  await expect.poll(erinsRoles, { timeout: 20_000 }).toEqual([plusTier!.discord_role_id]);

  // She leaves the server: marked at once (the gateway). Coming back restores her role.
  await fakeDiscord(`guilds/${STUDY_HALL_GUILD}/members/${ERIN}`, { left: true });
  await expect
    .poll(async () => (await query<{ s: string }>("SELECT guild_status AS s FROM community_members WHERE id = $1", [member!.id]))[0]?.s, { timeout: 20_000 })
    .toBe("left");
  await fakeDiscord(`guilds/${STUDY_HALL_GUILD}/members/${ERIN}`, { join: true });
  await expect.poll(erinsRoles, { timeout: 20_000 }).toEqual([plusTier!.discord_role_id]);

  // Or she uses "Join the server" in her portal after leaving: the bot adds her back with her roles.
  await fakeDiscord(`guilds/${STUDY_HALL_GUILD}/members/${ERIN}`, { left: true });
  await expect
    .poll(async () => (await query<{ s: string }>("SELECT guild_status AS s FROM community_members WHERE id = $1", [member!.id]))[0]?.s, { timeout: 20_000 })
    .toBe("left");
  await page.goto("/portal");
  const access = page.getByRole("listitem").filter({ hasText: "Study Hall" }).getByTestId("discord-access");
  await access.getByRole("button", { name: "Join the server" }).click();
  await expect(access.getByTestId("guild-status")).toHaveText("You're in the server, and your roles are back.");
  expect(await erinsRoles()).toEqual([plusTier!.discord_role_id]);

  // "Switch Discord account": signed out, in again with her second account; the membership and its role move there.
  await access.getByRole("button", { name: "Switch Discord account" }).click();
  await expect(page.getByText("Sign in with the Discord account your membership should move to.")).toBeVisible();
  await page.getByRole("button", { name: "Sign in with Discord" }).click();
  await page.getByRole("button", { name: /Erin \(second account\)/ }).click();
  await expect(page).toHaveURL(/\/portal\?notice=switched&community=study-hall$/);
  await expect(page.getByText("Your membership moved to this Discord account.")).toBeVisible();
  await expect(page.getByRole("list", { name: "Your memberships" }).getByRole("link", { name: "Study Hall" })).toBeVisible();
  const rolesOf = async (id: string) => (await fakeDiscord<GuildState>(`guilds/${STUDY_HALL_GUILD}`)).members[id] ?? null;
  await expect.poll(() => rolesOf(ERIN_ALT), { timeout: 20_000 }).toEqual([plusTier!.discord_role_id]);
  await expect.poll(() => rolesOf(ERIN), { timeout: 20_000 }).toEqual([]);
  expect(await query("SELECT discord_user_id FROM community_members WHERE id = $1", [member!.id])).toEqual([{ discord_user_id: ERIN_ALT }]);
});

test("a community not taking payments offers no checkout, and posting one is refused", async ({ page }) => {
  // The owner's Stripe account lost its charges (Stripe's account.updated): checkout stops.
  await query("UPDATE communities SET stripe_charges_enabled = false WHERE slug = 'pixel-guild'");
  try {
    await signInAs(page, "Carol Owner", "/c/pixel-guild");
    await expect(page.getByRole("region", { name: "Membership tiers" }).getByRole("button", { name: "Not open yet" }).first()).toBeDisabled();
    const [tier] = await query<{ id: string }>(
      "SELECT t.id FROM subscription_tiers t JOIN communities c ON c.id = t.community_id WHERE c.slug = 'pixel-guild' AND t.name = 'Pro'",
    );
    // Carol's form for another community's open checkout, pointed at Pixel Guild's tier.
    await page.goto("/c/trading-desk");
    await page.locator('form:has(button:text-is("Subscribe to Desk"))').evaluate((form: HTMLFormElement, id: string) => {
      (form.querySelector('input[name="communitySlug"]') as HTMLInputElement).value = "pixel-guild";
      (form.querySelector('input[name="tierId"]') as HTMLInputElement).value = id;
    }, tier!.id);
    await page.getByRole("button", { name: "Subscribe to Desk", exact: true }).click();
    await expect(page.getByRole("alert").filter({ hasText: "This community isn't taking payments yet." })).toBeVisible();
  } finally {
    await query("UPDATE communities SET stripe_charges_enabled = true WHERE slug = 'pixel-guild'");
  }
});
