import { expect, test, type Page } from "@playwright/test";
import { signInAs, signOut } from "./support/auth";
import { query } from "./support/db";
import { fakeDiscord, type GuildState } from "./support/fake-discord";
import { stripeGet } from "./support/fake-stripe";
import { holdScripts } from "./support/scripts";

const STUDY_HALL_GUILD = "200000000000000002";
const FOCUS_ROLE = "300000000000000011";
const CAROL = "100000000000000003";

const carolsRoles = async () => (await fakeDiscord<GuildState>(`guilds/${STUDY_HALL_GUILD}`)).members[CAROL] ?? null;

/** The dev inbox (/dev/mail): the subjects of the mail sent to an address. */
async function subjectsTo(page: Page, address: string) {
  await page.goto("/dev/mail");
  return page
    .getByRole("navigation", { name: "Messages" })
    .getByRole("listitem")
    .filter({ hasText: `to ${address}` })
    .locator("span.font-medium")
    .allTextContents();
}

/** Carol's Focus subscription (the first test's): its Stripe id and the community's connected account. */
async function carolsSubscription() {
  const [sub] = await query<{ stripe_subscription_id: string; account: string }>(
    "SELECT s.stripe_subscription_id, c.stripe_account_id AS account FROM subscriptions s JOIN community_members m ON m.id = s.member_id JOIN users u ON u.id = m.user_id JOIN communities c ON c.id = s.community_id WHERE c.slug = 'study-hall' AND u.discord_id = $1 AND s.duplicate_of IS NULL ORDER BY s.created_at DESC LIMIT 1",
    [CAROL],
  );
  return sub!;
}

/** Carol's subscription at Stripe: collection paused (invoices voided) for about `months` from now; the resume date and its label. */
async function carolPausedAtStripeFor(months: number) {
  const sub = await carolsSubscription();
  const atStripe = await stripeGet(`subscriptions/${sub.stripe_subscription_id}`, sub.account);
  expect(atStripe).toMatchObject({ status: "active", pause_collection: { behavior: "void" } });
  const resumesAt = new Date(atStripe.pause_collection.resumes_at * 1000);
  const expected = new Date();
  expected.setUTCMonth(expected.getUTCMonth() + months);
  expect(Math.abs(resumesAt.getTime() - expected.getTime())).toBeLessThan(60_000);
  return { sub, label: new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" }).format(resumesAt) };
}

/** The Focus card in Carol's portal. */
const focusCard = (page: Page) =>
  page.getByRole("list", { name: "Your memberships" }).getByRole("listitem").filter({ hasText: "Study Hall" }).first().getByTestId("subscription-Focus");

test.describe.configure({ mode: "serial" }); // the second test uses the membership the first one sets up

test("a declined renewal reminds the member by e-mail and DM, she keeps her roles in grace, pays from the link, and the owner sees the money recovered", async ({
  page,
}) => {
  // Carol joins Study Hall's Focus tier, and gets a receipt and a welcome by e-mail.
  await signInAs(page, "Carol Owner", "/c/study-hall");
  await page.getByRole("button", { name: "Subscribe to Focus", exact: true }).click();
  await page.getByRole("button", { name: "Pay", exact: true }).click();
  await expect(page.getByText("You're in! Your Focus membership of Study Hall is active.")).toBeVisible({ timeout: 15_000 });
  await expect.poll(carolsRoles, { timeout: 20_000 }).toEqual([FOCUS_ROLE]);
  await expect
    .poll(() => subjectsTo(page, "carol@example.com"), { timeout: 20_000 })
    .toEqual(expect.arrayContaining(["Receipt from Study Hall: $4.00", "Welcome to Study Hall"]));

  // A month on, her card is declined (the fake Stripe's test clock renews the subscription now).
  const sub = await carolsSubscription();
  await page.goto(`${process.env.STRIPE_FAKE_URL}/test-clock`);
  await page.getByRole("row").filter({ hasText: sub.stripe_subscription_id }).getByRole("button", { name: "Renew with a declined card" }).click();
  await expect(page.getByRole("status")).toContainText("Renewal of");

  // The reminder: an e-mail with the invoice's pay link, and the same link in a DM.
  await expect.poll(() => subjectsTo(page, "carol@example.com"), { timeout: 20_000 }).toContain("Your payment to Study Hall failed");
  await page.getByRole("navigation", { name: "Messages" }).getByRole("link").filter({ hasText: "Your payment to Study Hall failed" }).first().click();
  const mail = page.frameLocator('iframe[title^="Message:"]');
  await expect(mail.getByRole("heading", { name: "We couldn't take your payment of $4.00" })).toBeVisible();
  await expect(mail.getByText(/You keep your Focus roles until/)).toBeVisible();
  const payUrl = (await mail.getByRole("link", { name: "Pay $4.00 now" }).getAttribute("href"))!;
  expect(payUrl).toMatch(/\/invoice\/acct_\w+\/in_\w+$/);
  await expect
    .poll(
      async () =>
        (await fakeDiscord<GuildState>(`guilds/${STUDY_HALL_GUILD}`)).messages.filter((m) => m.content.startsWith(`<@${CAROL}>`) && m.content.includes(payUrl))
          .length,
      { timeout: 20_000 },
    )
    .toBe(1);

  // In the grace period her roles stay, and her portal says what happened with the same link.
  expect(await carolsRoles()).toEqual([FOCUS_ROLE]);
  await page.goto("/portal");
  const studyHall = page.getByRole("list", { name: "Your memberships" }).getByRole("listitem").filter({ hasText: "Study Hall" }).first();
  await expect(studyHall.getByText("Your last payment of $4.00 failed.")).toBeVisible();
  await expect(studyHall.getByTestId("subscription-state")).toHaveText("past due");
  await expect(studyHall.getByRole("link", { name: "Pay $4.00 now" })).toHaveAttribute("href", payUrl);

  // She pays from the e-mail's link on Stripe's invoice page; the webhooks bring her back to active.
  await page.goto(payUrl);
  await page.getByRole("button", { name: "Pay invoice" }).click();
  await expect(page.getByRole("status")).toHaveText("Invoice paid. Thank you!");
  const carolsStatus = async () =>
    (
      await query<{ status: string }>(
        "SELECT m.subscription_status AS status FROM community_members m JOIN users u ON u.id = m.user_id JOIN communities c ON c.id = m.community_id WHERE c.slug = 'study-hall' AND u.discord_id = $1",
        [CAROL],
      )
    )[0]?.status;
  await expect.poll(carolsStatus, { timeout: 15_000 }).toBe("active");
  await page.goto("/portal");
  await expect(studyHall.getByTestId("subscription-state")).toHaveText("active");
  await expect(studyHall.getByText("Your last payment of $4.00 failed.")).toHaveCount(0);
  expect(await carolsRoles()).toEqual([FOCUS_ROLE]);
  await signOut(page);

  // The owner's overview: recovered revenue and rate, straight from the payments table.
  const [expected] = await query<{ recovered: string; failed: number; paid: number }>(
    `SELECT coalesce(sum(p.amount) FILTER (WHERE p.recovered_at >= now() - interval '30 days'), 0)::text AS recovered,
            count(*) FILTER (WHERE p.failed_at >= now() - interval '90 days')::int AS failed,
            count(*) FILTER (WHERE p.failed_at >= now() - interval '90 days' AND p.recovered_at IS NOT NULL)::int AS paid
       FROM payments p JOIN communities c ON c.id = p.community_id WHERE c.slug = 'study-hall'`,
  );
  expect(Number(expected!.recovered)).toBeGreaterThanOrEqual(4);
  await signInAs(page, "Alice Owner", "/dashboard/study-hall");
  await expect(page.getByTestId("stat-recovered")).toHaveText(`$${Number(expected!.recovered).toFixed(2)}`);
  await expect(page.getByTestId("stat-recovery-rate")).toHaveText(`${Math.round((expected!.paid / expected!.failed) * 100)}%`);
  await expect(page.getByText(`${expected!.paid} of ${expected!.failed} failed`)).toBeVisible();
});

test("the owner sets an offer to stay; a member about to cancel takes it instead, once", async ({ page }) => {
  await signInAs(page, "Alice Owner", "/dashboard/study-hall/settings");
  await page.getByLabel("Offer to stay (% off)").fill("25");
  await page.getByLabel("Offer lasts (months)").fill("2");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();
  await signOut(page);

  // Carol (a Focus member since the test above) opens the cancel dialog: the offer comes first.
  await signInAs(page, "Carol Owner", "/portal");
  const focus = focusCard(page);
  // The button opens its dialog by script: until the page's script runs it says it isn't ready, rather than drop a click.
  const scripts = await holdScripts(page);
  await page.reload({ waitUntil: "commit" });
  const cancel = focus.getByRole("button", { name: "Cancel membership" });
  await expect(cancel).toHaveAttribute("aria-disabled", "true");
  scripts.release();
  await expect(cancel).not.toHaveAttribute("aria-disabled");
  await cancel.click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByText("Before you go: stay for 25% off your next 2 months.")).toBeVisible();
  await dialog.getByRole("button", { name: "Stay with 25% off" }).click();
  await expect(focus.getByText("Thanks for staying! 25% off is applied to your next 2 monthly payments.")).toBeVisible();

  const sub = await carolsSubscription();
  const atStripe = await stripeGet(`subscriptions/${sub.stripe_subscription_id}`, sub.account);
  expect(atStripe.discount.coupon).toMatchObject({ percent_off: 25, duration: "repeating", duration_in_months: 2 });

  // Once per member: the next time she thinks of leaving, there is no offer.
  await page.reload();
  await focus.getByRole("button", { name: "Cancel membership" }).click();
  await expect(page.getByRole("dialog").getByRole("heading", { name: "Cancel your Focus membership?" })).toBeVisible();
  await expect(page.getByRole("dialog").getByText(/Before you go/)).toHaveCount(0);
});

test("the owner lets members pause; a member about to cancel pauses instead, loses her paid role until she resumes", async ({ page }) => {
  // The demo lets Study Hall's members pause for a month; the owner allows two.
  await signInAs(page, "Alice Owner", "/dashboard/study-hall/settings");
  await expect(page.getByLabel("Let members pause instead")).toHaveValue("1");
  await page.getByLabel("Let members pause instead").selectOption("2");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();
  await signOut(page);

  // Carol (a Focus member since the first test) pauses from the cancel dialog.
  await signInAs(page, "Carol Owner", "/portal");
  const focus = focusCard(page);
  await focus.getByRole("button", { name: "Cancel membership" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByLabel("Pause for")).toHaveText(/1 month\s*2 months/);
  await dialog.getByLabel("Pause for").selectOption("2");
  await dialog.getByRole("button", { name: "Pause instead" }).click();
  await expect(focus.getByText(/^Your membership is paused until /)).toBeVisible();
  await expect(dialog).toBeHidden();

  // At Stripe: collection paused for two months, invoices voided; here: paused, no paid role.
  const { sub, label } = await carolPausedAtStripeFor(2);
  await expect.poll(carolsRoles, { timeout: 20_000 }).toEqual([]);
  await page.reload();
  await expect(focus.getByTestId("subscription-state")).toHaveText(`Paused until ${label}`);
  await expect(focus.getByText(`Paused · billing resumes ${label}`)).toBeVisible();

  // The owner sees her on a break: on the overview (not among the paying) and in the members table.
  await signOut(page);
  await signInAs(page, "Alice Owner", "/dashboard/study-hall");
  await expect(page.getByText(/^Payment up to date; (\d+ past due, )?1 paused not counted$/)).toBeVisible();
  await page.goto("/dashboard/study-hall/members?status=paused");
  await expect(page.getByRole("row").filter({ hasText: "Carol" })).toContainText("paused");
  await page.getByRole("table", { name: "Members" }).getByRole("button", { name: "Carol Owner" }).click();
  const drawer = page.getByRole("dialog", { name: "Carol Owner" });
  await expect(drawer).toContainText(`Focus · paused · resumes ${label}`);
  await drawer.getByRole("button", { name: "Close" }).click();
  await signOut(page);

  // She comes back early: collection resumes, her role returns.
  await signInAs(page, "Carol Owner", "/portal");
  await focus.getByRole("button", { name: "Resume now" }).click();
  await expect(focus.getByText(/^Welcome back!/)).toBeVisible();
  await expect.poll(carolsRoles, { timeout: 20_000 }).toEqual([FOCUS_ROLE]);
  expect((await stripeGet(`subscriptions/${sub.stripe_subscription_id}`, sub.account)).pause_collection).toBeNull();
  await page.reload();
  await expect(focus.getByTestId("subscription-state")).toHaveText("active");
  await expect(focus.getByRole("button", { name: "Resume now" })).toHaveCount(0);
});

test("the owner pauses a member's billing from her drawer and resumes it: Stripe's pause, her role, the activity log", async ({ page }) => {
  await signInAs(page, "Alice Owner", "/dashboard/study-hall/members");
  const openCarol = async () => {
    await page.getByRole("table", { name: "Members" }).getByRole("button", { name: "Carol Owner" }).click();
    return page.getByRole("dialog", { name: "Carol Owner" });
  };
  let drawer = await openCarol();
  await drawer.getByRole("button", { name: "Pause billing…" }).click();
  await expect(drawer.getByText(/^Pause Carol Owner's Focus billing\?/)).toBeVisible();
  await drawer.getByLabel("Pause for").selectOption("3");
  await drawer.getByRole("button", { name: "Pause billing", exact: true }).click();
  await expect(drawer.getByText(/^Billing for Focus is paused until /)).toBeVisible();

  const { sub, label } = await carolPausedAtStripeFor(3);
  await expect.poll(carolsRoles, { timeout: 20_000 }).toEqual([]);

  // Opened again once Stripe's webhook is applied: paused, with the way back.
  await drawer.getByRole("button", { name: "Close" }).click();
  drawer = await openCarol();
  await expect(drawer).toContainText(`Focus · paused · resumes ${label}`);
  await expect(drawer.getByRole("button", { name: "Pause billing…" })).toHaveCount(0);
  await drawer.getByRole("button", { name: "Resume billing now" }).click();
  await expect(drawer.getByText(/^Billing for Focus resumes/)).toBeVisible();
  await expect.poll(carolsRoles, { timeout: 20_000 }).toEqual([FOCUS_ROLE]);
  expect((await stripeGet(`subscriptions/${sub.stripe_subscription_id}`, sub.account)).pause_collection).toBeNull();

  await page.goto("/dashboard/study-hall/activity");
  const entries = page.getByTestId("audit-entry");
  await expect(entries.filter({ hasText: "Alice Owner resumed a membership's billing" }).first()).toContainText("tier: Focus");
  await expect(entries.filter({ hasText: "Alice Owner paused a membership's billing" }).first()).toContainText("months: 3");
});
