import { expect, test } from "@playwright/test";

// Route handlers and pages are separate module graphs in a Next.js build. The
// database pool is created by whichever request comes first; tenant reads must
// be scoped whichever graph created it.
test("tenant data is scoped correctly after a route handler served the first request", async ({ page, request }) => {
  expect((await request.get("/api/health")).ok()).toBe(true);
  await page.goto("/c/pixel-guild");
  await expect(page.getByRole("region", { name: "Membership tiers" }).getByRole("heading", { level: 3 })).toHaveText(["Supporter", "Pro", "Patron"]);
});
