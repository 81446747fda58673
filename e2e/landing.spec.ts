import { expect, test } from "@playwright/test";

test("the landing page says what CommunityOS is and lists the demo communities from the database", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveTitle(/CommunityOS/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("membership business");
  await expect(page.getByRole("link", { name: "Sign in with Discord" })).toBeVisible();

  const communities = page.getByRole("region", { name: "Communities on CommunityOS" });
  await expect(communities.getByRole("heading", { name: "Pixel Guild" })).toBeVisible();
  await expect(communities.getByRole("heading", { name: "Trading Desk" })).toBeVisible();
  // Prices and member counts are tenant data, read through each community's RLS scope.
  await expect(communities.getByText("from $5.00/mo")).toBeVisible();
  await expect(communities.getByText("42 members", { exact: true })).toBeVisible();
});

test("a community's public page shows its active tiers", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("link", { name: /Pixel Guild/ }).click();
  await expect(page).toHaveURL(/\/c\/pixel-guild$/);
  await expect(page.getByRole("heading", { level: 1, name: "Pixel Guild" })).toBeVisible();
  const tiers = page.getByRole("region", { name: "Membership tiers" });
  await expect(tiers.getByRole("heading", { level: 3 })).toHaveText(["Supporter", "Pro", "Patron"]);
  await expect(tiers.getByText("$120.00")).toBeVisible();
});

test("an unknown community is a clear 404", async ({ page }) => {
  const response = await page.goto("/c/no-such-community");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "We couldn't find that page" })).toBeVisible();
});

test("the owner dashboard and member portal send anonymous visitors to sign in", async ({ page }) => {
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fdashboard$/);
  await page.goto("/portal");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fportal$/);
});

test("pages carry the security headers, and nothing on them breaks the content security policy", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content[- ]Security[- ]Policy/i.test(message.text())) violations.push(message.text());
  });
  const response = await page.goto("/c/pixel-guild");
  const headers = response!.headers();
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["content-security-policy"]).not.toContain("unsafe-eval");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  expect(violations).toEqual([]);
});

test("every response carries a request id; a write to the API from another site is refused", async ({ request }) => {
  const page = await request.get("/");
  expect(page.headers()["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  const traced = await request.get("/api/health", { headers: { "x-request-id": "lb-trace-0123456789" } });
  expect(traced.headers()["x-request-id"]).toBe("lb-trace-0123456789");

  const forged = await request.post("/api/auth/signout", {
    headers: { origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" },
    data: "csrfToken=x",
  });
  expect(forged.status()).toBe(403);
  expect(await forged.json()).toEqual({ error: "Cross-site requests are not allowed." });
  const fromFetch = await request.post("/api/auth/signout", { headers: { "sec-fetch-site": "cross-site" }, data: "" });
  expect(fromFetch.status()).toBe(403);
  // Stripe is not a browser: its endpoint is judged by the signature alone.
  const webhook = await request.post("/api/webhooks/stripe", {
    headers: { origin: "https://evil.example", "stripe-signature": "t=1,v1=0", "x-forwarded-for": "192.0.2.250" },
    data: "{}",
  });
  expect(webhook.status()).toBe(400);
});
