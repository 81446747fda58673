import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { signInAs } from "./support/auth";

test("a member downloads all their data as JSON from their memberships page", async ({ page }) => {
  await signInAs(page, "Bob Member", "/portal");
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download my data (JSON)" }).click();
  const data = JSON.parse(await readFile(await (await download).path(), "utf8"));
  expect(data.profile).toMatchObject({ username: "bob", email: null });
  expect(data.memberships.map((m: { community: { slug: string } }) => m.community.slug)).toEqual(expect.arrayContaining(["pixel-guild", "study-hall", "trading-desk"]));
  expect(data.memberships.flatMap((m: { payments: unknown[] }) => m.payments).length).toBeGreaterThan(0);
});

test("the data export and the health check answer as they should", async ({ request }) => {
  expect((await request.get("/api/me/export")).status()).toBe(401);
  expect(await (await request.get("/api/health")).json()).toEqual({ status: "ok", database: "ok", queue: "ok" });
});
