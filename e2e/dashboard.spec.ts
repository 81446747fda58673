import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { signInAs } from "./support/auth";
import { query } from "./support/db";

const usd = (amount: number) => new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(amount);
const money = (amount: number, currency: string) => new Intl.NumberFormat("en-US", { style: "currency", currency }).format(amount);

test("the owner's overview shows numbers that agree with the billing tables", async ({ page }) => {
  const [community] = await query<{ id: string }>("SELECT id FROM communities WHERE slug = 'trading-desk'");
  // Straight from the tables: what pays now (active), yearly prices as 1/12, per currency billed
  // (a tier's price in another currency from its currency_prices); past due apart.
  const mrrRows = await query<{ currency: string; amount: string }>(
    `SELECT coalesce(s.currency, t.currency) AS currency,
            sum(CASE WHEN t.interval = 'yearly' THEN p.price / 12 ELSE p.price END)::numeric(12,2)::text AS amount
       FROM subscriptions s JOIN subscription_tiers t ON t.community_id = s.community_id AND t.name = s.tier_name,
            LATERAL (SELECT CASE WHEN coalesce(s.currency, t.currency) = t.currency THEN t.price ELSE (t.currency_prices ->> s.currency)::numeric END AS price) p
      WHERE s.community_id = $1 AND s.status = 'active'
      GROUP BY 1 ORDER BY sum(p.price) DESC`,
    [community!.id],
  );
  const [expected] = await query<{ atRisk: string; paying: number }>(
    `SELECT (SELECT coalesce(sum(CASE WHEN t.interval = 'yearly' THEN t.price / 12 ELSE t.price END), 0)::numeric(12,2)
               FROM subscriptions s JOIN subscription_tiers t ON t.community_id = s.community_id AND t.name = s.tier_name
              WHERE s.community_id = $1 AND s.status = 'past_due' AND coalesce(s.grace_period_ends_at, s.current_period_end) > now())::text AS "atRisk",
            (SELECT count(*)::int FROM community_members WHERE community_id = $1 AND subscription_status = 'active') AS paying`,
    [community!.id],
  );
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content[- ]Security[- ]Policy/i.test(message.text())) violations.push(message.text());
  });
  await signInAs(page, "Carol Owner", "/dashboard/trading-desk");
  // Payouts, tiers and paying members are there; the bot is not yet.
  await expect(page.getByText("3 of 4 done")).toBeVisible();
  await expect(page.getByTestId("step-bot")).toHaveAttribute("data-done", "false");
  await expect(page.getByTestId("stat-mrr")).toHaveText(mrrRows.map((r) => money(Number(r.amount), r.currency)).join(" + "));
  await expect(page.getByTestId("stat-paying")).toHaveText(String(expected!.paying));
  if (Number(expected!.atRisk) > 0) await expect(page.getByTestId("stat-at-risk")).toHaveText(usd(Number(expected!.atRisk)));
  await expect(page.getByRole("figure", { name: "Revenue by month, USD" })).toBeVisible();
  await expect(page.getByRole("figure", { name: "Members over time" })).toBeVisible();
  await expect(page.getByRole("figure", { name: "Revenue by month, USD" }).locator("svg.recharts-surface")).toBeVisible();
  expect(violations).toEqual([]);
});

test("the owner searches and filters members, opens one, and exports them as CSV", async ({ page }) => {
  await signInAs(page, "Alice Owner", "/dashboard/pixel-guild/members");
  const [{ n: all } = { n: 0 }] = await query<{ n: number }>(
    "SELECT count(*)::int AS n FROM community_members m JOIN communities c ON c.id = m.community_id WHERE c.slug = 'pixel-guild'",
  );
  await expect(page.getByTestId("members-count")).toHaveText(`${all} members`);

  await page.getByRole("searchbox", { name: "Search members" }).fill("pixel_fan_007");
  await expect(page.getByTestId("members-count")).toHaveText("1 member");
  await expect(page).toHaveURL(/q=pixel_fan_007/);
  await page.getByRole("table", { name: "Members" }).getByRole("button", { name: "Fan 007" }).click();
  const drawer = page.getByRole("dialog", { name: "Fan 007" });
  await expect(drawer).toContainText("@pixel_fan_007");
  await expect(drawer.getByRole("heading", { name: "Payments" })).toBeVisible();
  await drawer.getByRole("button", { name: "Close" }).click();

  // Roles by their names in the server, never ids: Bob pays for Pro.
  await page.getByRole("searchbox", { name: "Search members" }).fill("bob");
  await page.getByRole("table", { name: "Members" }).getByRole("button", { name: "Bob Member" }).click();
  const bob = page.getByRole("dialog", { name: "Bob Member" });
  await expect(bob.getByTestId("member-roles")).toHaveText("Pro");
  await bob.getByRole("button", { name: "Close" }).click();
  await page.getByRole("searchbox", { name: "Search members" }).fill("");

  // Who is not in the Discord server (Fan 007 left it; the gateway would have said so).
  await query("UPDATE community_members SET guild_status = 'left' WHERE discord_user_id = (SELECT discord_id FROM users WHERE username = 'pixel_fan_007')");
  await page.getByLabel("In the Discord server").selectOption("out");
  await expect(page).toHaveURL(/place=out/);
  const [{ n: out } = { n: 0 }] = await query<{ n: number }>(
    "SELECT count(*)::int AS n FROM community_members m JOIN communities c ON c.id = m.community_id WHERE c.slug = 'pixel-guild' AND m.guild_status NOT IN ('joined', 'unknown')",
  );
  expect(out).toBeGreaterThanOrEqual(1);
  await expect(page.getByTestId("members-count")).toHaveText(`${out} ${out === 1 ? "member" : "members"}`);
  await expect(page.getByRole("row").filter({ hasText: "Fan 007" })).toContainText("Not in the server: left");
  await page.getByLabel("In the Discord server").selectOption("");

  const [{ n: active } = { n: 0 }] = await query<{ n: number }>(
    "SELECT count(*)::int AS n FROM community_members m JOIN communities c ON c.id = m.community_id WHERE c.slug = 'pixel-guild' AND m.subscription_status = 'active'",
  );
  await page.getByLabel("Status").selectOption("active");
  await expect(page.getByTestId("members-count")).toHaveText(`${active} ${active === 1 ? "member" : "members"}`);

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const file = await (await download).path();
  const lines = (await readFile(file, "utf8")).trim().split("\n");
  // Pixel Guild asks no checkout questions: no column per question, and the answers to any it asked before.
  expect(lines[0]).toBe("discord_user_id,username,display_name,nickname,status,tier,access_until,total_spent,currency,joined_at,roles,other_answers");
  expect(lines).toHaveLength(active + 1);
  expect(lines.slice(1).every((line) => line.split(",")[4] === "active")).toBe(true);
});

test("the owner refunds part of a seeded payment; Stripe holds it too, and the webhook confirms it", async ({ page }) => {
  await signInAs(page, "Alice Owner", "/dashboard/pixel-guild/payments?status=succeeded&days=30");
  // Bob's latest Pro payment, seeded in our tables and at Stripe alike.
  const row = page.getByRole("row").filter({ hasText: "Bob Member" }).filter({ hasText: "$12.00" }).first();
  await row.getByRole("button", { name: "Refund Bob Member's payment" }).click();
  await row.getByLabel("Amount to refund (USD)").fill("19.00");
  await row.getByRole("button", { name: "Confirm refund" }).click();
  await expect(row.getByRole("alert")).toContainText("at most 12.00");
  await row.getByLabel("Amount to refund (USD)").fill("2.00");
  await row.getByRole("button", { name: "Confirm refund" }).click();
  await expect(page.getByText("Refund sent to Stripe.")).toBeVisible();
  await expect(page).toHaveURL(/status=succeeded&days=30&notice=refund_sent/);
  await expect(async () => {
    await page.goto("/dashboard/pixel-guild/payments?status=partially_refunded&days=30");
    await expect(page.getByRole("row").filter({ hasText: "Bob Member" }).filter({ hasText: "−$2.00 refunded" })).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  const [bob] = await query<{ total_spent: string }>(
    "SELECT m.total_spent::text FROM community_members m JOIN users u ON u.id = m.user_id JOIN communities c ON c.id = m.community_id WHERE c.slug = 'pixel-guild' AND u.username = 'bob'",
  );
  const [paid] = await query<{ spent: string }>(
    `SELECT sum(p.amount - p.amount_refunded)::text AS spent FROM payments p JOIN community_members m ON m.id = p.member_id JOIN users u ON u.id = m.user_id
      JOIN communities c ON c.id = p.community_id WHERE c.slug = 'pixel-guild' AND u.username = 'bob' AND p.status IN ('succeeded', 'partially_refunded', 'refunded', 'disputed')`,
  );
  expect(bob!.total_spent).toBe(paid!.spent);
});

test("another owner sees none of a community's members, payments or exports", async ({ page }) => {
  await signInAs(page, "Carol Owner");
  for (const path of ["/dashboard/pixel-guild/members", "/dashboard/pixel-guild/payments"]) {
    expect((await page.goto(path))?.status()).toBe(404);
  }
  for (const path of ["/api/dashboard/pixel-guild/members", "/api/dashboard/pixel-guild/members/export"]) {
    const response = await page.request.get(path);
    expect(response.status()).toBe(404);
    expect(await response.text()).not.toContain("pixel_fan");
  }
  expect((await page.request.get("/api/dashboard/pixel-guild/members?sort=sideways")).status()).toBe(404);
  expect((await page.request.get("/api/dashboard/trading-desk/members?sort=sideways")).status()).toBe(400);
});
