import { expect, test } from "@playwright/test";
import { DEMO_OWN_BOT } from "../lib/discord/demo";
import { signInAs, signOut } from "./support/auth";
import { query } from "./support/db";
import { holdScripts } from "./support/scripts";
import { fakeDiscord, type GuildState } from "./support/fake-discord";

const TRADING_DESK_GUILD = "200000000000000003";
const ERIN = "100000000000000004";

test("an owner adds the bot in one click, picks channels and roles by name, and a paying member gets the role; leaving and rejoining brings it back", async ({
  page,
}) => {
  await signInAs(page, "Carol Owner", "/dashboard/trading-desk");
  await expect(page.getByTestId("step-bot")).toHaveAttribute("data-done", "false");
  await page.getByRole("link", { name: "Add the bot to your server" }).click();
  await expect(page.getByTestId("bot-state")).toHaveText("Not set up");

  // Discord's bot authorization, the community's server preselected; back with the bot in it.
  await page.getByRole("link", { name: "Add the bot to your server" }).click();
  await expect(page.getByRole("heading", { name: "Add CommunityOS Demo Bot to Trading Desk" })).toBeVisible();
  await expect(page.getByText("Manage Roles")).toBeVisible();
  await page.getByRole("button", { name: /Carol Owner/ }).click();
  await expect(page).toHaveURL(/\/dashboard\/trading-desk\/bot\?notice=bot_added$/);
  await expect(page.getByText("The bot is in your server.")).toBeVisible();
  await expect(page.getByTestId("bot-state")).toHaveText("Connected");
  expect(
    await query(
      "SELECT uses_platform_bot, bot_token_encrypted FROM discord_bot_configs c JOIN communities m ON m.id = c.community_id WHERE m.slug = 'trading-desk'",
    ),
  ).toEqual([{ uses_platform_bot: true, bot_token_encrypted: null }]);

  // Before the page's script runs, the welcome message (which has text) waits rather than lose what is typed.
  const scripts = await holdScripts(page);
  await page.reload({ waitUntil: "commit" });
  await expect(page.getByLabel("Welcome message")).not.toBeEditable();
  scripts.release();
  await expect(page.getByLabel("Welcome message")).toBeEditable();

  // Channels by name, never an id.
  await page.getByLabel("Announce new members in").selectOption({ label: "#payments" });
  await page.getByLabel("Admin channel").selectOption({ label: "#admin" });
  await page.getByLabel("Welcome message").fill("Hi {user}, welcome to {community} ({tier})!");
  await expect(page.getByLabel("Preview").first()).toHaveText("Hi @Ada, welcome to Trading Desk (Pro)!");
  await page.getByRole("button", { name: "Save bot settings" }).click();
  await expect(page.getByText("Bot settings saved.")).toBeVisible();
  expect(
    await query(
      "SELECT payment_verification_channel AS p, admin_channel AS a FROM discord_bot_configs c JOIN communities m ON m.id = c.community_id WHERE m.slug = 'trading-desk'",
    ),
  ).toEqual([{ p: "400000000000000003", a: "410000000000000003" }]);

  // Discord put the bot's role at the bottom: the tiers' roles are above it, and the check says so.
  await page.getByRole("button", { name: "Check bot" }).click();
  await expect(page.getByText("The bot's role sits below “Analyst” (tier “Analyst”). Drag the bot's role above it in Server Settings → Roles.")).toBeVisible();

  // On the tier, that role is shown but cannot be kept; the bot makes one it can hand out.
  await page.goto("/dashboard/trading-desk/tiers");
  await page.getByRole("list", { name: "Tiers" }).getByRole("listitem").filter({ hasText: "Analyst" }).getByRole("link", { name: "Edit" }).click();
  // Its saved role is shown as saved, with the problem; the other role above the bot cannot be picked.
  await expect(page.getByLabel("Discord role")).toHaveValue("300000000000000021");
  await expect(page.getByTestId("picked-role")).toContainText("The bot can't hand out “Analyst”");
  await expect(page.getByLabel("Discord role").locator("option", { hasText: "Desk — can't be handed out by the bot" })).toBeDisabled();
  await page.getByRole("button", { name: "Save tier" }).click();
  await expect(page.locator("#discordRoleId-error")).toContainText(/“Analyst” sits above the bot's role “CommunityOS Demo Bot”/);
  await page.getByRole("button", { name: "Create a role for this tier" }).click();
  await expect(page.getByTestId("picked-role")).toHaveText("Members of this tier get “Analyst”.");
  await page.getByRole("button", { name: "Save tier" }).click();
  await expect(page.getByText("Tier saved.")).toBeVisible();
  const [analyst] = await query<{ role: string }>(
    "SELECT t.discord_role_id AS role FROM subscription_tiers t JOIN communities c ON c.id = t.community_id WHERE c.slug = 'trading-desk' AND t.name = 'Analyst'",
  );
  expect(analyst!.role).not.toBe("300000000000000021");
  await signOut(page);

  // Erin pays for Analyst: the bot adds her to the server and gives her the new role.
  await signInAs(page, "Erin Newcomer", "/c/trading-desk");
  await page.getByRole("button", { name: "Subscribe to Analyst", exact: true }).click();
  await page.getByRole("button", { name: "Pay", exact: true }).click();
  await expect(page.getByText("You're in!")).toBeVisible({ timeout: 15_000 });
  await expect(page.getByRole("link", { name: "Open Discord" })).toHaveAttribute("href", `https://discord.com/channels/${TRADING_DESK_GUILD}`);
  const roles = async () => (await fakeDiscord<GuildState>(`guilds/${TRADING_DESK_GUILD}`)).members[ERIN] ?? null;
  await expect.poll(roles, { timeout: 20_000 }).toEqual([analyst!.role]);

  // She leaves the server and comes back: the gateway tells the bot, and the role is back within seconds.
  await fakeDiscord(`guilds/${TRADING_DESK_GUILD}/members/${ERIN}`, { left: true });
  await expect.poll(roles, { timeout: 5_000 }).toBeNull();
  await fakeDiscord(`guilds/${TRADING_DESK_GUILD}/members/${ERIN}`, { join: true });
  await expect.poll(roles, { timeout: 20_000 }).toEqual([analyst!.role]);
});

test("an owner may use their own bot instead: its token is write-only and never shown back", async ({ page }) => {
  await signInAs(page, "Alice Owner", "/dashboard/indie-makers/bot");
  await expect(page.getByTestId("bot-state")).toHaveText("Not set up");
  // Demo mode names the demo's second bot in a hint; saving it must not add it anywhere else.
  const mentions = async () => (await page.content()).split(DEMO_OWN_BOT.token).length - 1;
  await page.getByText("Use your own bot instead").click();
  const mentionedBefore = await mentions();

  await page.getByLabel("Bot token").fill("short");
  await page.getByLabel("Application id").fill(DEMO_OWN_BOT.applicationId);
  await page.getByRole("button", { name: "Use my own bot" }).click();
  await expect(page.getByText("Bot token doesn't look like a Discord bot token")).toBeVisible();
  expect(await query("SELECT 1 FROM discord_bot_configs c JOIN communities m ON m.id = c.community_id WHERE m.slug = 'indie-makers'")).toEqual([]);

  await page.getByLabel("Bot token").fill(DEMO_OWN_BOT.token);
  await page.getByRole("button", { name: "Use my own bot" }).click();
  await expect(page.getByText(/Your own bot is saved/)).toBeVisible();
  await page.reload();
  await expect(page.getByText(`Your own bot (application ${DEMO_OWN_BOT.applicationId}) is connected.`)).toBeVisible();
  await page.getByText("Use your own bot instead").click();
  await expect(page.getByLabel("Bot token")).toHaveValue("");
  await expect(page.getByLabel("Bot token")).toHaveAttribute("placeholder", "•••••••• (saved)");
  expect(await mentions()).toBe(mentionedBefore);
  const [stored] = await query<{ sealed: string }>(
    "SELECT c.bot_token_encrypted AS sealed FROM discord_bot_configs c JOIN communities m ON m.id = c.community_id WHERE m.slug = 'indie-makers'",
  );
  expect(stored!.sealed).toMatch(/^v1\.test\./);
  expect(stored!.sealed).not.toContain(DEMO_OWN_BOT.token);

  // The activity log says the bot was set up, and never what the token is.
  await page.goto("/dashboard/indie-makers/activity");
  await expect(page.getByRole("list", { name: "Activity" })).toContainText("tokenReplaced: true");
  expect(await page.content()).not.toContain(DEMO_OWN_BOT.token);
});

test("another owner cannot open a community's bot page, nor change its bot by posting the action", async ({ page }) => {
  await signInAs(page, "Carol Owner");
  const response = await page.goto("/dashboard/pixel-guild/bot");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "We couldn't find that page" })).toBeVisible();
  const select =
    "SELECT c.uses_platform_bot, c.welcome_message AS welcome FROM discord_bot_configs c JOIN communities m ON m.id = c.community_id WHERE m.slug = 'pixel-guild'";
  const [before] = await query(select);

  // Carol's own forms, pointed at Alice's community: the server must refuse both.
  await page.goto("/dashboard/trading-desk/bot");
  await page.getByLabel("Welcome message").fill("pwned");
  await page
    .locator('form:has(button:text("Save bot settings")) input[name="communitySlug"]')
    .evaluate((input) => ((input as HTMLInputElement).value = "pixel-guild"));
  await page.getByRole("button", { name: "Save bot settings" }).click();
  await expect(page.getByText("We couldn't find that community.")).toBeVisible();
  await page.getByText("Use your own bot instead").click();
  await page.getByLabel("Bot token").fill("hijacked-token-0123456789abcdef");
  await page.getByLabel("Application id").fill("123456789012345678");
  await page
    .locator('form:has(button:text("Use my own bot")) input[name="communitySlug"]')
    .evaluate((input) => ((input as HTMLInputElement).value = "pixel-guild"));
  await page.getByRole("button", { name: "Use my own bot" }).click();
  await expect(page.getByText("We couldn't find that community.").last()).toBeVisible();
  expect(await query(select)).toEqual([before]);
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
