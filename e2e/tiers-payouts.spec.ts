import { expect, test } from "@playwright/test";
import { signInAs, signOut } from "./support/auth";
import { query } from "./support/db";
import { holdScripts } from "./support/scripts";
import { expectAccessible } from "./support/axe";

const tierRow = (slug: string, name: string) =>
  query<{ stripe_product_id: string | null; stripe_price_id: string | null; trial_days: number }>(
    "SELECT t.stripe_product_id, t.stripe_price_id, t.trial_days FROM subscription_tiers t JOIN communities c ON c.id = t.community_id WHERE c.slug = $1 AND t.name = $2",
    [slug, name],
  );

test("a new owner prices tiers before Stripe, connects payouts, and the tiers go on sale in that one step", async ({ page }) => {
  await signInAs(page, "Carol Owner", "/dashboard/new");
  // Picked before the page's script runs (a slow phone): the form posts without a name or
  // address, and the community takes the server's name and an address made from it.
  const scripts = await holdScripts(page);
  await page.reload({ waitUntil: "commit" });
  await page.getByText("Carol's Workshop").click();
  await expect(page.getByLabel("Community name")).toHaveValue("");
  await page.getByRole("button", { name: "Create community" }).click();
  await expect(page).toHaveURL(/\/dashboard\/carol-s-workshop\?created=1$/);
  scripts.release();
  await expect(page.getByRole("heading", { name: "Carol's Workshop" })).toBeVisible();
  await expect(page.getByText("0 of 4 done")).toBeVisible();
  const checklist = page.getByRole("list", { name: "Setup checklist" });
  await expect(checklist.getByTestId("step-payouts")).toHaveAttribute("data-done", "false");

  await checklist.getByRole("link", { name: "Create a tier with a Discord role" }).click();
  await expect(page).toHaveURL(/\/dashboard\/carol-s-workshop\/tiers$/);
  await expect(page.getByText("Tiers are mirrored to your Stripe account once you")).toBeVisible();
  const form = page.getByRole("region", { name: "New tier" });
  await form.getByLabel("Tier name").fill("Pro Desk");
  await form.getByLabel("Price").fill("0");
  await form.getByLabel("Currency").fill("usd");
  await form.getByLabel("Features").fill("Daily notes\nLive sessions");
  await form.getByLabel("Billing").selectOption("yearly");
  await form.getByRole("button", { name: "Create tier" }).click();
  await expect(page.getByText("Price must be more than 0")).toBeVisible();
  // Kept after the failed save: what was typed and what was picked.
  await expect(form.getByLabel("Tier name")).toHaveValue("Pro Desk");
  await expect(form.getByLabel("Billing")).toHaveValue("yearly");

  await form.getByLabel("Price").fill("49.00");
  await form.getByLabel("Free trial (days)").fill("7");
  await form.getByRole("button", { name: "Create tier" }).click();
  await expect(page.getByText("Tier saved.")).toBeVisible();
  const tiers = page.getByRole("list", { name: "Tiers" });
  await expect(tiers.getByRole("heading", { name: "Pro Desk" })).toBeVisible();
  await expect(tiers.getByText("$49.00 / year")).toBeVisible();
  await expect(tiers.getByText("not on Stripe")).toHaveCount(0); // nothing to fix before Stripe exists
  expect(await tierRow("carol-s-workshop", "Pro Desk")).toEqual([{ stripe_product_id: null, stripe_price_id: null, trial_days: 7 }]);

  await form.getByLabel("Tier name").fill("Basics");
  await form.getByLabel("Price").fill("9.00");
  await form.getByRole("button", { name: "Create tier" }).click();
  await expect(tiers.getByRole("heading", { level: 3 })).toHaveText(["Pro Desk", "Basics"]);

  // Members see the tiers, and that the owner isn't taking payments yet.
  await page.goto("/c/carol-s-workshop");
  const publicTiers = page.getByRole("region", { name: "Membership tiers" });
  await expect(publicTiers.getByRole("button", { name: "Not open yet" })).toHaveCount(2);

  await page.goto("/dashboard/carol-s-workshop/payouts");
  await expect(page.getByTestId("connect-state")).toHaveText("Not connected");
  await page.getByRole("button", { name: "Connect Stripe" }).click();
  await expect(page.getByRole("heading", { name: "Demo Stripe: set up payouts" })).toBeVisible();
  await page.getByRole("button", { name: "Complete onboarding" }).click();
  await expect(page).toHaveURL(/\/dashboard\/carol-s-workshop\/payouts\?stripe=return$/);
  await expect(page.getByTestId("connect-state")).toHaveText("Charges enabled");
  await expect(page.getByText("Your 2 tiers are now on Stripe: members can subscribe.")).toBeVisible();
  const [pro] = await tierRow("carol-s-workshop", "Pro Desk");
  expect(pro).toMatchObject({ stripe_product_id: expect.stringMatching(/^prod_/), stripe_price_id: expect.stringMatching(/^price_/) });

  await page.goto("/dashboard/carol-s-workshop");
  await expect(page.getByTestId("step-payouts")).toHaveAttribute("data-done", "true");
  await expect(page.getByTestId("step-bot")).toHaveAttribute("data-done", "false");

  await page.goto("/c/carol-s-workshop");
  await expect(publicTiers.getByRole("button", { name: "Not open yet" })).toHaveCount(0);
  await expect(publicTiers.getByRole("listitem").filter({ hasText: "Pro Desk" }).getByText("$49.00")).toBeVisible();

  // A new price is a new Stripe Price (prices are immutable there).
  await page.goto("/dashboard/carol-s-workshop/tiers");
  await tiers.getByRole("listitem").filter({ hasText: "Pro Desk" }).getByRole("link", { name: "Edit" }).click();
  await expect(page.getByRole("heading", { name: "Edit Pro Desk" })).toBeVisible();
  await page.getByLabel("Price").fill("59.00");
  await page.getByRole("button", { name: "Save tier" }).click();
  await expect(tiers.getByText("$59.00 / year")).toBeVisible();
  const [changed] = await tierRow("carol-s-workshop", "Pro Desk");
  expect(changed!.stripe_price_id).toMatch(/^price_/);
  expect(changed!.stripe_price_id).not.toBe(pro!.stripe_price_id);

  // A currency Stripe refuses: saved, but the tier says why and its page says it can't be
  // bought (checkout refuses it too: tests/tiers-stripe.integration.test.ts), until a save
  // Stripe takes clears it.
  const proRow = tiers.getByRole("listitem").filter({ hasText: "Pro Desk" });
  await proRow.getByRole("link", { name: "Edit" }).click();
  await expect(page.getByRole("heading", { name: "Edit Pro Desk" })).toBeVisible();
  await page.getByLabel("Currency").fill("XDR");
  await page.getByRole("button", { name: "Save tier" }).click();
  await expect(page.getByText("Tier saved, but Stripe refused it")).toBeVisible();
  await expect(proRow.getByText("Stripe refused it: Invalid currency: xdr.")).toBeVisible();
  await expect(proRow.getByText("not up to date on Stripe")).toBeVisible();
  await page.goto("/c/carol-s-workshop");
  const proOnPage = publicTiers.getByRole("listitem").filter({ hasText: "Pro Desk" });
  await expect(proOnPage.getByRole("button", { name: "Not available right now" })).toBeDisabled();
  await page.goto("/dashboard/carol-s-workshop/tiers");
  await proRow.getByRole("link", { name: "Edit" }).click();
  await expect(page.getByRole("heading", { name: "Edit Pro Desk" })).toBeVisible();
  await page.getByLabel("Currency").fill("USD");
  await page.getByRole("button", { name: "Save tier" }).click();
  await expect(page.getByText("Tier saved.")).toBeVisible();
  await expect(proRow.getByText(/Stripe refused it/)).toHaveCount(0);
  await page.goto("/c/carol-s-workshop");
  await expect(proOnPage.getByRole("button", { name: "Not available right now" })).toHaveCount(0);
  await page.goto("/dashboard/carol-s-workshop/tiers");

  await tiers.getByRole("button", { name: "Move Basics up" }).click();
  await expect(tiers.getByRole("heading", { level: 3 })).toHaveText(["Basics", "Pro Desk"]);
  const basics = tiers.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Basics", exact: true }) });
  await basics.getByRole("button", { name: "Deactivate" }).click();
  await expect(basics.getByText("inactive")).toBeVisible();
  await page.goto("/c/carol-s-workshop");
  await expect(publicTiers.getByRole("heading", { level: 3 })).toHaveText(["Pro Desk"]);
});

test("a cap at the paying count sells a tier out, on the dashboard and the public page", async ({ page }) => {
  await signInAs(page, "Alice Owner", "/dashboard/pixel-guild/tiers");
  const tiers = page.getByRole("list", { name: "Tiers" });
  const supporter = tiers.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Supporter", exact: true }) });
  await supporter.getByRole("link", { name: "Edit" }).click();
  await expect(page.getByRole("heading", { name: "Edit Supporter" })).toBeVisible();
  await page.getByLabel("Member cap").fill("1");
  await page.getByRole("button", { name: "Save tier" }).click();
  await expect(supporter.getByText("sold out")).toBeVisible();

  await page.goto("/c/pixel-guild");
  const publicTiers = page.getByRole("region", { name: "Membership tiers" });
  await expect(publicTiers.getByRole("listitem").filter({ hasText: "Supporter" }).getByRole("button", { name: "Sold out" })).toBeDisabled();

  await page.goto("/dashboard/pixel-guild/tiers");
  await supporter.getByRole("link", { name: "Edit" }).click();
  await expect(page.getByRole("heading", { name: "Edit Supporter" })).toBeVisible();
  await expect(page.getByLabel("Member cap")).toHaveValue("1");
  await page.getByLabel("Member cap").fill("");
  await page.getByRole("button", { name: "Save tier" }).click();
  await expect(page.getByText("Tier saved.")).toBeVisible();
  await expect(supporter.getByText("sold out")).toHaveCount(0);
});

test("another owner cannot change a community's tiers by posting the action", async ({ page }) => {
  await signInAs(page, "Alice Owner", "/dashboard/pixel-guild/tiers");
  const before = await query("SELECT count(*)::int AS n FROM subscription_tiers");
  const form = page.getByRole("region", { name: "New tier" });
  await form.getByLabel("Tier name").fill("Injected");
  await form.getByLabel("Price").fill("1.00");
  // The hidden field is rendered from React state: a re-render (hydration finishing, say) puts its value back.
  // So it is changed and the form submitted in one step, with nothing rendered in between.
  await page.locator('form:has(button:text("Create tier"))').evaluate((element: HTMLFormElement) => {
    (element.elements.namedItem("communitySlug") as HTMLInputElement).value = "trading-desk";
    element.requestSubmit([...element.querySelectorAll("button")].find((button) => button.textContent?.trim() === "Create tier"));
  });
  await expect(page.getByRole("alert").filter({ hasText: "We couldn't find that community." })).toBeVisible();
  expect(await query("SELECT count(*)::int AS n FROM subscription_tiers")).toEqual(before);
});

test("the owner asks a question at checkout; Stripe Checkout asks the member, and the owner reads the answer", async ({ page }) => {
  // Carol's Workshop, as the first test left it: Pro Desk on sale.
  await signInAs(page, "Carol Owner", "/dashboard/carol-s-workshop/settings");
  const questions = page.getByRole("form", { name: "Checkout questions" });
  const first = questions.getByRole("group", { name: "Question 1" });
  const second = questions.getByRole("group", { name: "Question 2" });
  await first.getByLabel("Question", { exact: true }).fill("Your TradingView username");
  await expect(first.getByLabel("An answer is required")).toBeChecked();
  await second.getByLabel("Question", { exact: true }).fill("How did you find us?");
  await second.getByLabel("An answer is required").uncheck();
  await expect(second.getByLabel("Choices")).toHaveCount(0);
  await second.getByLabel("Answer", { exact: true }).selectOption("dropdown");
  await second.getByLabel("Choices").fill("YouTube");
  await questions.getByRole("button", { name: "Save questions" }).click();
  await expect(second.getByText("Choices need at least two, one per line")).toBeVisible();
  await expect(first.getByLabel("Question", { exact: true })).toHaveValue("Your TradingView username");
  await second.getByLabel("Choices").fill("YouTube\nA friend");
  await questions.getByRole("button", { name: "Save questions" }).click();
  await expect(questions.getByText("Saved. Checkout asks these 2 questions from the next payment on.")).toBeVisible();
  await page.reload();
  await expect(second.getByLabel("Choices")).toHaveValue("YouTube\nA friend");
  await expect(second.getByLabel("An answer is required")).not.toBeChecked();
  await expectAccessible(page, "settings, with checkout questions");

  await signOut(page);
  await signInAs(page, "Bob Member", "/c/carol-s-workshop");
  await page.getByRole("button", { name: "Subscribe to Pro Desk" }).click();
  await expect(page.getByRole("heading", { name: "Demo Stripe Checkout" })).toBeVisible();
  await page.getByRole("button", { name: "Pay", exact: true }).click();
  await expect(page.getByRole("alert")).toHaveText("Your TradingView username is required.");
  await page.getByLabel("Your TradingView username").fill("bob_trades");
  await page.getByLabel("How did you find us? (optional)").selectOption({ label: "A friend" });
  await page.getByRole("button", { name: "Pay", exact: true }).click();
  await expect(page).toHaveURL(/\/c\/carol-s-workshop\/welcome\?session_id=cs_test_\w+$/);
  await expect(page.getByText(/You're in!/)).toBeVisible({ timeout: 15_000 });

  await signOut(page);
  await signInAs(page, "Carol Owner", "/dashboard/carol-s-workshop/members");
  await page.getByRole("table", { name: "Members" }).getByRole("button", { name: "Bob Member" }).click();
  const bob = page.getByRole("dialog", { name: "Bob Member" });
  const answers = bob.getByRole("region", { name: "Answers at checkout" });
  await expect(answers.getByRole("definition")).toHaveText(["bob_trades", "A friend"]);
  await expect(answers.getByRole("term")).toHaveText(["Your TradingView username", "How did you find us?"]);
  await expectAccessible(page, "a member's details, with answers at checkout");
});

test("a member's invite link: the friend who pays through it is theirs, and the owner sees what they earned", async ({ page }) => {
  // Carol's Workshop, as the tests above left it: Bob is a member, Pro Desk has a 7-day trial.
  await signInAs(page, "Carol Owner", "/dashboard/carol-s-workshop/promotions");
  const referrals = page.getByRole("region", { name: "Referrals" });
  await page.getByLabel("Commission (%)").fill("60");
  await page.getByRole("button", { name: "Save referral program" }).click();
  await expect(page.getByText("Commission (%) must be 50 or fewer")).toBeVisible();
  await page.getByLabel("Commission (%)").fill("20");
  await page.getByLabel("For (months)").fill("3");
  await page.getByRole("button", { name: "Save referral program" }).click();
  await expect(page.getByText("Saved. A member's link earns them 20% of a new member's payments for 3 months.")).toBeVisible();
  await expect(referrals.getByText("No one has joined through a member's link yet.")).toBeVisible();
  await expectAccessible(page, "promotions, with the referral program");
  await signOut(page);

  await signInAs(page, "Bob Member", "/portal");
  const invite = page.getByRole("region", { name: "Invite friends to Carol's Workshop" });
  await expect(invite).toContainText("You earn 20% of what a friend who joins through your link pays for 3 months.");
  await expect(invite.getByTestId("referral-stats")).toHaveText("No one has joined through your link yet.");
  const link = await invite.getByLabel("Your invite link").inputValue();
  expect(link).toMatch(/\/c\/carol-s-workshop\?ref=[0-9a-f]{16}$/);
  await expectAccessible(page, "the portal, with an invite link");
  await signOut(page);

  // Erin, signed out, follows the link; signing in keeps it.
  await page.goto(new URL(link).pathname + new URL(link).search);
  await expect(page.getByText("Bob Member invited you to Carol's Workshop.")).toBeVisible();
  await page.getByRole("link", { name: "Sign in to subscribe" }).first().click();
  await page.getByRole("button", { name: "Sign in with Discord" }).click();
  await page.getByRole("button", { name: /Erin Newcomer/ }).click();
  await expect(page).toHaveURL(/\/c\/carol-s-workshop\?ref=[0-9a-f]{16}$/);
  await expect(page.getByText("Bob Member invited you to Carol's Workshop.")).toBeVisible();
  await page.getByRole("button", { name: "Subscribe to Pro Desk" }).click();
  await page.getByLabel("Your TradingView username").fill("erin_tv");
  await page.getByRole("button", { name: "Pay", exact: true }).click();
  await expect(page.getByText(/You're in!/)).toBeVisible({ timeout: 15_000 });
  await signOut(page);

  await signInAs(page, "Carol Owner", "/dashboard/carol-s-workshop/promotions");
  const bob = page.getByRole("list", { name: "Referrers" }).getByTestId("referrer");
  await expect(bob).toHaveCount(1);
  await expect(bob).toContainText("Bob Member");
  await expect(bob).toContainText("1 referred · 1 with access now");
  // A trial pays nothing yet, so nothing is owed (tests/referrals.integration.test.ts counts the money).
  await expect(bob).toContainText("Nothing earned yet");
  await expectAccessible(page, "promotions, with a referrer");

  await page.goto("/dashboard/carol-s-workshop/members");
  await page.getByRole("table", { name: "Members" }).getByRole("button", { name: "Erin Newcomer" }).click();
  await expect(page.getByRole("dialog", { name: "Erin Newcomer" }).getByTestId("member-referrals")).toHaveText("Joined through Bob Member's invite link.");
});
