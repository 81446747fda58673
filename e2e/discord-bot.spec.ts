import { expect, test } from "@playwright/test";
import { DEMO_BOT_CLIENT_ID, DEMO_BOT_TOKEN } from "../lib/discord/demo";
import { signInAs } from "./support/auth";
import { query } from "./support/db";
import { fakeDiscord } from "./support/fake-discord";

const TRADING_DESK_GUILD = "200000000000000003";
const ANALYST_ROLE = "300000000000000021";

test("an owner saves a bot token that is never shown back, checks the bot, finds drift and fixes it", async ({ page }) => {
  await signInAs(page, "Carol Owner", "/dashboard/trading-desk/bot");
  await expect(page.getByTestId("bot-state")).toHaveText("Not set up");
  // Demo mode names the demo token in a hint; saving it must not add it anywhere else.
  const mentions = async () => (await page.content()).split(DEMO_BOT_TOKEN).length - 1;
  const mentionedBefore = await mentions();
  await expect(page.getByTestId("drift-empty")).toBeVisible();

  // A bad value is refused with the field named, and nothing is stored.
  await page.getByLabel("Bot token").fill("short");
  await page.getByLabel("Application (client) id").fill(DEMO_BOT_CLIENT_ID);
  await page.getByRole("button", { name: "Save bot settings" }).click();
  await expect(page.getByText("Bot token doesn't look like a Discord bot token")).toBeVisible();
  expect(await query("SELECT 1 FROM discord_bot_configs c JOIN communities m ON m.id = c.community_id WHERE m.slug = 'trading-desk'")).toEqual([]);

  await page.getByLabel("Bot token").fill(DEMO_BOT_TOKEN);
  await page.getByLabel("Admin channel id").fill("410000000000000003");
  await page.getByLabel("Welcome message").fill("Hi {user}, welcome to {community} ({tier})!");
  await expect(page.getByLabel("Preview").first()).toHaveText("Hi @Ada, welcome to Trading Desk (Pro)!");
  await page.getByRole("button", { name: "Save bot settings" }).click();
  await expect(page.getByText("Bot settings saved.")).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Bot token")).toHaveValue("");
  await expect(page.getByLabel("Bot token")).toHaveAttribute("placeholder", "•••••••• (saved)");
  expect(await mentions()).toBe(mentionedBefore);
  const [stored] = await query<{ sealed: string }>("SELECT c.bot_token_encrypted AS sealed FROM discord_bot_configs c JOIN communities m ON m.id = c.community_id WHERE m.slug = 'trading-desk'");
  expect(stored!.sealed).toMatch(/^v1\.test\./);
  expect(stored!.sealed).not.toContain(DEMO_BOT_TOKEN);

  await page.getByRole("button", { name: "Check bot" }).click();
  await expect(page.getByText("CommunityOS Demo Bot is in your server, can manage roles and sits above every tier role.")).toBeVisible();

  // The activity log says the bot was set up, and never what the token is.
  await page.goto("/dashboard/trading-desk/activity");
  await expect(page.getByRole("list", { name: "Activity" }).getByText("saved the bot's settings").first()).toBeVisible();
  await expect(page.getByRole("list", { name: "Activity" })).toContainText("tokenReplaced: true");
  expect(await page.content()).not.toContain(DEMO_BOT_TOKEN);
  await page.goto("/dashboard/trading-desk/bot");

  // Someone drags the Analyst role above the bot: the check says so, and a scan finds the paid members without it.
  await fakeDiscord(`guilds/${TRADING_DESK_GUILD}/roles`, { id: ANALYST_ROLE, name: "Analyst", position: 50 });
  await page.getByRole("button", { name: "Check bot" }).click();
  await expect(page.getByText("The bot's role sits below “Analyst” (tier “Analyst”). Drag the bot's role above it in Server Settings → Roles.")).toBeVisible();
  await page.getByRole("button", { name: "Scan now" }).click();
  await expect(page.getByText("Scan started")).toBeVisible();
  const drifting = page.getByRole("table", { name: "Role drift" }).getByRole("row").filter({ hasText: "Open" });
  await expect(async () => {
    await page.reload();
    await expect(drifting.first()).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  const row = drifting.first();
  await expect(row).toContainText("Analyst role");
  await expect(row).toContainText("drag the bot's role above every tier role");
  const username = (await row.getByText(/^@/).textContent())!.slice(1);

  // The owner fixes the hierarchy, then one click fixes the member.
  await fakeDiscord(`guilds/${TRADING_DESK_GUILD}/roles`, { id: ANALYST_ROLE, name: "Analyst", position: 1 });
  await page.getByTestId(`drift-${username}`).getByRole("button", { name: /^Fix roles of/ }).click();
  await expect(page.getByTestId(`drift-${username}`)).toContainText("Fixed");
  const [member] = await query<{ discord_user_id: string }>("SELECT discord_user_id FROM community_members m JOIN users u ON u.id = m.user_id WHERE u.username = $1", [username]);
  const guild = await fakeDiscord<{ members: Record<string, string[]> }>(`guilds/${TRADING_DESK_GUILD}`);
  expect(guild.members[member!.discord_user_id]).toContain(ANALYST_ROLE);
});

test("another owner cannot open a community's bot page, nor save its bot by posting the action", async ({ page }) => {
  await signInAs(page, "Carol Owner");
  const response = await page.goto("/dashboard/pixel-guild/bot");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "We couldn't find that page" })).toBeVisible();
  const [before] = await query<{ sealed: string; welcome: string }>(
    "SELECT c.bot_token_encrypted AS sealed, c.welcome_message AS welcome FROM discord_bot_configs c JOIN communities m ON m.id = c.community_id WHERE m.slug = 'pixel-guild'",
  );

  // Carol's own bot form, pointed at Alice's community: the server must refuse it.
  await page.goto("/dashboard/trading-desk/bot");
  await page.getByLabel("Bot token").fill("hijacked-token-0123456789abcdef");
  await page.getByLabel("Welcome message").fill("pwned");
  // Last, so no re-render puts the community back.
  await page.locator('input[name="communitySlug"]').first().evaluate((input) => ((input as HTMLInputElement).value = "pixel-guild"));
  await page.getByRole("button", { name: "Save bot settings" }).click();
  await expect(page.getByText("We couldn't find that community.")).toBeVisible();
  const [after] = await query<{ sealed: string; welcome: string }>(
    "SELECT c.bot_token_encrypted AS sealed, c.welcome_message AS welcome FROM discord_bot_configs c JOIN communities m ON m.id = c.community_id WHERE m.slug = 'pixel-guild'",
  );
  expect(after).toEqual(before);
});

test("the interactions endpoint answers Discord's signed PING and refuses a bad signature", async ({ baseURL }) => {
  const url = `${baseURL}/api/discord/interactions`;
  expect(await fakeDiscord("interactions", { url, body: { type: 1 } })).toEqual({ status: 200, body: { type: 1 } });
  expect(await fakeDiscord("interactions", { url, body: { type: 1 }, badSignature: true })).toMatchObject({ status: 401 });
  const status = await fakeDiscord<{ status: number; body: { data: { content: string } } }>("interactions", {
    url,
    body: { type: 2, guild_id: "200000000000000002", data: { name: "subscribe" }, member: { user: { id: "100000000000000002" } } },
  });
  expect(status.status).toBe(200);
  expect(status.body.data.content).toContain("**Focus**: 4.00 USD / month");
});
