import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { signInAs } from "./support/auth";
import { query } from "./support/db";

test("a member downloads all their data as JSON from their memberships page", async ({ page }) => {
  await signInAs(page, "Bob Member", "/portal");
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download my data (JSON)" }).click();
  const data = JSON.parse(await readFile(await (await download).path(), "utf8"));
  expect(data.profile).toMatchObject({ username: "bob", email: null });
  expect(data.memberships.map((m: { community: { slug: string } }) => m.community.slug)).toEqual(
    expect.arrayContaining(["pixel-guild", "study-hall", "trading-desk"]),
  );
  expect(data.memberships.flatMap((m: { payments: unknown[] }) => m.payments).length).toBeGreaterThan(0);
});

test("the data export and the health check answer as they should", async ({ request }) => {
  expect((await request.get("/api/me/export")).status()).toBe(401);
  expect(await (await request.get("/api/health")).json()).toEqual({ status: "ok", database: "ok", queue: "ok" });
});

test("a platform admin sets data retention; a bad policy is refused; others cannot see the page", async ({ page }) => {
  const policy = async () =>
    (
      await query<{ retention_days: number; deletion_criteria: unknown }>(
        "SELECT retention_days, deletion_criteria FROM data_retention_policies WHERE table_name = 'stripe_events'",
      )
    )[0]!;
  const before = await policy();
  await signInAs(page, "Alice Owner", "/admin/retention");
  await expect(page.getByRole("heading", { name: "Data retention" })).toBeVisible();
  const ledger = page.getByRole("form", { name: "Stripe webhook ledger retention" });
  await ledger.getByLabel("Keep for (days)").fill("0");
  await ledger.getByLabel("Criteria (JSON, optional)").fill('{"outcomes": ["nope"]}');
  await ledger.getByRole("button", { name: "Save policy" }).click();
  await expect(ledger.getByRole("alert")).toHaveText("Please correct the highlighted fields.");
  await expect(ledger.getByText("Keep for (days) must be at least 1 day")).toBeVisible();
  await expect(ledger.getByLabel("Keep for (days)")).toHaveValue("0");
  expect(await policy()).toEqual(before);

  await ledger.getByLabel("Keep for (days)").fill("120");
  await ledger.getByLabel("Criteria (JSON, optional)").fill('{"outcomes": ["nope"]}');
  await ledger.getByRole("button", { name: "Save policy" }).click();
  await expect(ledger.getByText(/Criteria \(JSON, optional\) is not valid for this table/)).toBeVisible();
  expect(await policy()).toEqual(before);

  await ledger.getByLabel("Criteria (JSON, optional)").fill('{"outcomes": ["ignored", "rejected"]}');
  await ledger.getByRole("button", { name: "Save policy" }).click();
  await expect(ledger.getByRole("status")).toHaveText("Saved: Stripe webhook ledger are kept 120 days.");
  expect(await policy()).toEqual({ retention_days: 120, deletion_criteria: { outcomes: ["ignored", "rejected"] } });

  await page.getByRole("button", { name: "Run retention now" }).click();
  await expect(page.getByText(/Queued: the worker applies every policy/)).toBeVisible();
  // The in-process worker runs it: every policy gets stamped.
  await expect
    .poll(async () => (await query<{ n: number }>("SELECT count(*)::int AS n FROM data_retention_policies WHERE last_cleanup IS NULL"))[0]!.n, {
      timeout: 20_000,
    })
    .toBe(0);
  await page.reload();
  await expect(page.getByText(/last cleanup \w{3} \d+, \d{4}/).first()).toBeVisible();

  await page.context().clearCookies();
  await signInAs(page, "Bob Member", "/admin/retention");
  await expect(page.getByRole("heading", { name: "We couldn't find that page" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Data retention" })).toHaveCount(0);
});

test("an owner exports a member's data and removes them; the member can join again", async ({ page }) => {
  await signInAs(page, "Carol Owner", "/dashboard/trading-desk/members?q=trading_fan_003");
  await expect(page.getByTestId("members-count")).toHaveText("1 member");
  await page.getByRole("table", { name: "Members" }).getByRole("button", { name: "Fan 003" }).click();
  const drawer = page.getByRole("dialog", { name: "Fan 003" });

  const download = page.waitForEvent("download");
  await drawer.getByRole("link", { name: "Export this member's data (JSON)" }).click();
  const data = JSON.parse(await readFile(await (await download).path(), "utf8"));
  expect(data.profile).toMatchObject({ username: "trading_fan_003" });
  expect(data.membership.community.slug).toBe("trading-desk");

  await drawer.getByRole("button", { name: "Remove member…" }).click();
  await expect(drawer.getByText(/Their paid subscriptions are cancelled now/)).toBeVisible();
  await drawer.getByRole("button", { name: "Yes, remove Fan 003" }).click();
  await expect(drawer.getByRole("status").filter({ hasText: "Fan 003 was removed" })).toBeVisible();
  const [member] = await query<{ is_active: boolean; removed_at: Date | null }>(
    "SELECT m.is_active, m.removed_at FROM community_members m JOIN users u ON u.id = m.user_id JOIN communities c ON c.id = m.community_id WHERE c.slug = 'trading-desk' AND u.username = 'trading_fan_003'",
  );
  expect(member!.is_active).toBe(false);
  expect(member!.removed_at).not.toBeNull();
  await drawer.getByRole("button", { name: "Close" }).first().click();

  await page.goto("/dashboard/trading-desk/activity");
  await expect(page.getByText(/Carol Owner removed a member — username: trading_fan_003/)).toBeVisible();
});

test("a user erases their account: signed out everywhere, personal data gone, memberships ended", async ({ page }) => {
  await signInAs(page, "Erin Newcomer", "/c/pixel-guild");
  await page.getByRole("button", { name: "Join Pixel Guild for free" }).click();
  await expect(page.getByText("You're a member of Pixel Guild.")).toBeVisible();

  await page.goto("/portal");
  await page.getByRole("button", { name: "Erase my account…" }).click();
  await page.getByRole("button", { name: "Erase my account" }).click();
  await expect(page.getByText('Type "erase" to confirm Type "erase" to confirm.')).toBeVisible();
  const [still] = await query<{ erased_at: Date | null }>("SELECT erased_at FROM users WHERE discord_id = '100000000000000004'");
  expect(still!.erased_at).toBeNull();

  await page.getByLabel('Type "erase" to confirm').fill("erase");
  await page.getByRole("button", { name: "Erase my account" }).click();
  await expect(page).toHaveURL(/\/\?notice=account-erased$/);
  await expect(page.getByText("Your account was erased and you were signed out everywhere.")).toBeVisible();
  // The header says so too, without a reload.
  await expect(page.getByRole("banner").getByRole("button", { name: "Sign out" })).toHaveCount(0);

  expect(await query("SELECT 1 FROM users WHERE discord_id = '100000000000000004'")).toEqual([]);
  const [erased] = await query<{ username: string; email: string | null; sessions: number; active: boolean }>(
    `SELECT u.username, u.email, (SELECT count(*)::int FROM sessions s WHERE s.user_id = u.id) AS sessions, m.is_active AS active
       FROM users u JOIN community_members m ON m.user_id = u.id WHERE u.erased_at IS NOT NULL AND u.id = m.user_id
        AND m.community_id = (SELECT id FROM communities WHERE slug = 'pixel-guild') ORDER BY u.erased_at DESC LIMIT 1`,
  );
  expect(erased).toEqual({ username: "Deleted user", email: null, sessions: 0, active: false });
  await page.goto("/portal");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fportal/);
});
