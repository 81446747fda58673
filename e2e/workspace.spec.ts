import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { writeFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { verifySignature } from "../lib/webhooks/signature";
import { signInAs, signOut } from "./support/auth";

// The owner's workspace beyond selling: a team, API keys, webhook endpoints and
// imports. Runs last of the specs: its claim gives a demo account a Pixel Guild
// subscription that earlier specs assume it does not hold.

test("the owner invites a viewer, makes them a moderator, then removes them", async ({ page }) => {
  await signInAs(page, "Alice Owner", "/dashboard/pixel-guild/team");
  await page.getByLabel("Discord user ID").fill("123");
  await page.getByRole("button", { name: "Invite" }).click();
  await expect(page.getByText(/A Discord user ID is 17 to 20 digits/)).toBeVisible();
  await page.getByLabel("Discord user ID").fill("100000000000000002");
  await page.getByLabel("Role", { exact: true }).selectOption("viewer");
  await page.getByRole("button", { name: "Invite" }).click();
  await expect(page.getByText("Invited.")).toBeVisible();
  await expect(page.getByTestId("staff-100000000000000002")).toContainText("Bob Member");
  await signOut(page);

  await signInAs(page, "Bob Member", "/dashboard");
  const helped = page.getByRole("list", { name: "Communities you help run" });
  await expect(helped).toContainText("Pixel Guild");
  await expect(helped).toContainText("Viewer");
  await helped.getByRole("link", { name: /Pixel Guild/ }).click();
  await expect(page.getByTestId("staff-role")).toHaveText("Viewer");
  const nav = page.getByRole("navigation", { name: "Community" });
  await expect(nav.getByRole("link", { name: "Payouts" })).toHaveCount(0);
  await expect(nav.getByRole("link", { name: "Developers" })).toHaveCount(0);
  await nav.getByRole("link", { name: "Tiers" }).click();
  await expect(page.getByTestId("read-only")).toBeVisible();
  await expect(page.getByRole("heading", { name: "New tier" })).toHaveCount(0);
  expect((await page.goto("/dashboard/pixel-guild/payouts"))!.status()).toBe(404);
  expect((await page.goto("/dashboard/pixel-guild/developers"))!.status()).toBe(404);
  // The members page is readable; a viewer's try at a moderator's act is refused by the server.
  await page.goto("/dashboard/pixel-guild/members");
  await expect(page.getByTestId("read-only")).toBeVisible();
  await signOut(page);

  await signInAs(page, "Alice Owner", "/dashboard/pixel-guild/team");
  const row = page.getByTestId("staff-100000000000000002");
  await row.getByLabel(/Role of/).selectOption("moderator");
  await row.getByRole("button", { name: "Change role" }).click();
  await expect(row.getByText("Role changed.")).toBeVisible();
  await signOut(page);
  await signInAs(page, "Bob Member", "/dashboard/pixel-guild/members");
  await expect(page.getByTestId("staff-role")).toHaveText("Moderator");
  await expect(page.getByTestId("read-only")).toHaveCount(0);
  await signOut(page);

  await signInAs(page, "Alice Owner", "/dashboard/pixel-guild/activity");
  await expect(page.getByText(/staff\.role_changed|Staff role changed|role_changed/).first()).toBeVisible();
  await page.goto("/dashboard/pixel-guild/team");
  await page.getByTestId("staff-100000000000000002").getByRole("button", { name: "Remove" }).click();
  await expect(page.getByText("was removed from the team")).toBeVisible();
  await signOut(page);
  await signInAs(page, "Bob Member", "/dashboard");
  await expect(page.getByRole("list", { name: "Communities you help run" })).toHaveCount(0);
  expect((await page.goto("/dashboard/pixel-guild"))!.status()).toBe(404);
});

test("an API key reads the community's members, and stops working once revoked", async ({ page }) => {
  await signInAs(page, "Alice Owner", "/dashboard/pixel-guild/developers");
  await page.getByLabel("Name", { exact: true }).fill("Spreadsheet sync");
  await page.getByRole("button", { name: "Create key" }).click();
  const key = (await page.getByTestId("new-api-key").textContent())!;
  expect(key).toMatch(/^cos_[0-9a-f]{32}_/);
  const members = await page.request.get("/api/v1/members?limit=5", { headers: { authorization: `Bearer ${key}` } });
  expect(members.status()).toBe(200);
  const body = (await members.json()) as { data: { id: string; status: string }[]; has_more: boolean };
  expect(body.data).toHaveLength(5);
  expect(body.has_more).toBe(true);
  // A read-only key may not write.
  expect((await page.request.post("/api/v1/comp-access", { headers: { authorization: `Bearer ${key}` }, data: {} })).status()).toBe(403);
  const openapi = (await (await page.request.get("/api/v1/openapi.json")).json()) as { paths: Record<string, unknown> };
  expect(Object.keys(openapi.paths)).toContain("/members");

  await page.reload();
  const listed = page.getByTestId("api-key-Spreadsheet sync");
  await expect(listed).toContainText("last used");
  await listed.getByRole("button", { name: "Revoke" }).click();
  await expect(listed.getByText("revoked")).toBeVisible();
  expect((await page.request.get("/api/v1/members", { headers: { authorization: `Bearer ${key}` } })).status()).toBe(401);
});

test("a webhook endpoint receives signed events, its failures are logged with the response code, and resend delivers", async ({ page }) => {
  const received: { body: string; signature: string }[] = [];
  let answer = 500;
  const receiver: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ body, signature: String(req.headers["communityos-signature"]) });
      res.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  try {
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    await signInAs(page, "Alice Owner", "/dashboard/pixel-guild/developers");
    await page.getByLabel("URL").fill("not a url");
    await page.getByRole("button", { name: "Add endpoint" }).click();
    await expect(page.getByText(/Enter the full URL/)).toBeVisible();
    await page.getByLabel("URL").fill(url);
    await page.getByRole("checkbox", { name: /member\.joined/ }).check();
    await page.getByRole("button", { name: "Add endpoint" }).click();
    const secret = (await page.getByTestId("new-webhook-secret").textContent())!;
    const endpoint = page.getByTestId("webhook-endpoint").filter({ hasText: url });
    await expect(endpoint).toContainText("member.joined");

    await endpoint.getByRole("button", { name: "Send test event" }).click();
    await expect.poll(() => received.length, { timeout: 15_000 }).toBeGreaterThan(0);
    expect(verifySignature(secret, received[0]!.body, received[0]!.signature)).toBe(true);
    expect(JSON.parse(received[0]!.body)).toMatchObject({ type: "ping" });
    await expect
      .poll(
        async () => {
          await page.reload();
          return page.getByTestId("webhook-endpoint").filter({ hasText: url }).getByTestId("delivery-response").first().textContent();
        },
        { timeout: 15_000 },
      )
      .toContain("HTTP 500");

    answer = 200;
    await page.getByTestId("webhook-endpoint").filter({ hasText: url }).getByTestId("webhook-delivery").first().getByRole("button", { name: "Resend" }).click();
    await expect
      .poll(
        async () => {
          await page.reload();
          return page.getByTestId("webhook-endpoint").filter({ hasText: url }).getByTestId("webhook-delivery").first().textContent();
        },
        { timeout: 15_000 },
      )
      .toMatch(/succeeded.*HTTP 200/);

    // Show secret gives the same secret again; delete removes the endpoint.
    const card = page.getByTestId("webhook-endpoint").filter({ hasText: url });
    await card.getByRole("button", { name: "Show secret" }).click();
    await expect(card.getByTestId("webhook-secret")).toHaveText(secret);
    await card.getByRole("button", { name: "Delete" }).click();
    await expect(page.getByTestId("webhook-endpoint").filter({ hasText: url })).toHaveCount(0);
  } finally {
    receiver.close();
  }
});

test("the owner imports Stripe subscriptions and a CSV file; a member claims theirs with Discord", async ({ page }, testInfo) => {
  await signInAs(page, "Alice Owner", "/dashboard/pixel-guild/import");
  // Refused with no price mapped: the owner's other choice (no e-mails) stays as it was.
  const sendEmails = page.getByLabel(/E-mail each member their claim link/);
  await sendEmails.uncheck();
  await page.getByRole("button", { name: "Import subscriptions" }).click();
  await expect(page.getByText("Pick a tier for at least one price")).toBeVisible();
  await expect(sendEmails).not.toBeChecked();
  await sendEmails.check();
  await page.getByLabel(/Tier for Guild Pass/).selectOption({ label: "Pro" });
  await page.getByRole("button", { name: "Import subscriptions" }).click();
  await expect(page.getByText("Import started")).toBeVisible();
  // Two pages of Stripe's list; the page follows the run's progress by itself.
  await expect(page.getByTestId("import-run").first()).toContainText("done", { timeout: 30_000 });
  await expect(page.getByTestId("run-imported").first()).toHaveText("120");

  const bad = testInfo.outputPath("bad.csv");
  await writeFile(bad, "Discord ID,Email,Plan\n12,,Supporter\n,x@example.com,Gold\n");
  await page.getByLabel("CSV file").setInputFiles(bad);
  await page.getByRole("button", { name: "Check file" }).click();
  const preview = page.getByTestId("csv-preview");
  await expect(preview).toContainText("Nothing was imported");
  await expect(preview).toContainText("the Discord id must be 17 to 20 digits");
  await expect(preview).toContainText('no tier named "Gold"');
  await expect(page.getByRole("button", { name: /^Import \d+ rows?$/ })).toHaveCount(0);

  const good = testInfo.outputPath("good.csv");
  await writeFile(good, "Email,Plan,Status,Expiration Date\nfan@example.com,Supporter,Active,2999-01-31\ngone@example.com,Supporter,Cancelled,\n");
  await page.getByLabel("CSV file").setInputFiles(good);
  await page.getByRole("button", { name: "Check file" }).click();
  await expect(preview).toContainText("1 row ready, 1 skipped");
  await page.getByRole("button", { name: "Import 1 row" }).click();
  await expect(page.getByText("Imported: 0 members have access now, 1 waits to claim theirs, 1 skipped.")).toBeVisible();

  await page.reload();
  await expect(page.getByTestId("pending-claim").filter({ hasText: "fan@example.com" })).toContainText("from CSV");
  const link = await page.getByLabel("Claim link for legacy5@example.com").inputValue();
  // The claim e-mail went out too (the dev inbox, /dev/mail).
  await expect
    .poll(
      async () => {
        await page.goto("/dev/mail");
        return page.getByRole("navigation", { name: "Messages" }).getByRole("listitem").filter({ hasText: "to legacy5@example.com" }).allTextContents();
      },
      { timeout: 20_000 },
    )
    .toEqual([expect.stringContaining("Claim your Pro membership of Pixel Guild")]);
  await signOut(page);

  await signInAs(page, "Erin (second account)", new URL(link).pathname);
  await expect(page.getByRole("heading", { name: "Your Pro membership" })).toBeVisible();
  await expect(page.getByText("You keep paying exactly as before")).toBeVisible();
  await page.getByRole("button", { name: "Claim with this Discord account" }).click();
  await expect(page.getByText("Claimed! The bot is giving you your roles now.")).toBeVisible();
  await page.getByRole("link", { name: "See your memberships" }).click();
  await expect(page.getByRole("list", { name: "Your memberships" }).getByRole("listitem").filter({ hasText: "Pixel Guild" }).first()).toContainText("Pro");
});
