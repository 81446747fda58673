import { expect, test } from "@playwright/test";
import { signInAs, signOut } from "./support/auth";
import { query } from "./support/db";
import { holdScripts } from "./support/scripts";

test("an owner signs in with Discord, creates a community from a guild, edits its settings and signs out", async ({ page }) => {
  await signInAs(page, "Alice Owner");
  await expect(page).toHaveURL(/\/dashboard$/);
  // The seeded Alice is the same person: her communities are here, and she exists once.
  const mine = page.getByRole("list", { name: "Your communities" });
  await expect(mine.getByRole("heading", { name: "Pixel Guild" })).toBeVisible();
  const [alice] = await query<{ n: number; last_login: Date | null; global_name: string }>(
    "SELECT count(*) OVER ()::int AS n, last_login, global_name FROM users WHERE discord_id = '100000000000000001'",
  );
  expect(alice?.n).toBe(1);
  expect(Date.now() - new Date(alice!.last_login!).getTime()).toBeLessThan(60_000);

  await page.getByRole("link", { name: "New community" }).click();
  await expect(page.getByRole("heading", { name: "Connect a Discord server" })).toBeVisible();
  await expect(page.getByText("Lurkers Lounge")).toHaveCount(0); // no Manage Server there
  await expect(page.getByRole("radio", { name: /Pixel Guild/ })).toBeDisabled(); // connected already
  await page.getByText("Indie Makers").click();
  await expect(page.getByLabel("Community name")).toHaveValue("Indie Makers");
  await expect(page.getByLabel("Page address")).toHaveValue("indie-makers");
  await page.getByLabel("Description").fill("Makers shipping side projects together.");
  await page.getByRole("button", { name: "Create community" }).click();

  await expect(page).toHaveURL(/\/dashboard\/indie-makers\?created=1$/);
  await expect(page.getByText("Your community is ready")).toBeVisible();
  // What is left to do before the first member can pay, in the order that works.
  await expect(page.getByText("0 of 4 done")).toBeVisible();
  await expect(page.getByRole("list", { name: "Setup checklist" }).getByRole("link")).toHaveText([
    "Connect payouts",
    "Add the bot to your server",
    "Create a tier with a Discord role",
    "Share your page",
  ]);
  const [created] = await query<{ owner: string; discord_guild_id: string }>(
    "SELECT u.username AS owner, c.discord_guild_id FROM communities c JOIN users u ON u.id = c.owner_id WHERE c.slug = 'indie-makers'",
  );
  expect(created).toEqual({ owner: "alice", discord_guild_id: "200000000000000012" });

  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByLabel("Name", { exact: true }).fill("Indie Makers Club");
  await page.getByLabel("Grace period (days)").fill("99");
  await page.getByLabel("Status").selectOption("paused");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Grace period (days) must be 30 or fewer")).toBeVisible();
  // Nothing the owner typed or picked is lost, and nothing was saved.
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue("Indie Makers Club");
  await expect(page.getByLabel("Grace period (days)")).toHaveValue("99");
  await expect(page.getByLabel("Status")).toHaveValue("paused");
  expect(await query("SELECT name FROM communities WHERE slug = 'indie-makers'")).toEqual([{ name: "Indie Makers" }]);

  await page.getByLabel("Grace period (days)").fill("5");
  await page.getByLabel("Show the member count on the public page").uncheck();
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue("Indie Makers Club");
  await expect(page.getByLabel("Grace period (days)")).toHaveValue("5");
  await expect(page.getByLabel("Show the member count on the public page")).not.toBeChecked();
  await expect(page.getByLabel("Status")).toHaveValue("paused");

  await page.goto("/c/indie-makers");
  await expect(page.getByText("isn't taking new members right now")).toBeVisible();

  await signOut(page);
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fdashboard$/);
});

test("a guild or slug that is taken gets a clear error and creates nothing", async ({ page }) => {
  await signInAs(page, "Alice Owner", "/dashboard/new");
  const sandbox = page.getByRole("radio", { name: /Alice's Sandbox/ });
  if (await sandbox.isEnabled()) {
    await page.getByText("Alice's Sandbox").click();
    await page.getByRole("button", { name: "Create community" }).click();
    await expect(page).toHaveURL(/\/dashboard\/alice-s-sandbox\?created=1$/);
  }
  await signOut(page);

  await signInAs(page, "Carol Owner", "/dashboard/new");
  const before = await query<{ n: number }>("SELECT count(*)::int AS n FROM communities");
  await expect(page.getByText("Connected by another owner")).toBeVisible();
  await page.getByText("Alice's Sandbox").click();
  await page.getByLabel("Page address").fill("carols-sandbox");
  await page.getByRole("button", { name: "Create community" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "already connected to CommunityOS by another owner" })).toBeVisible();

  await page.getByText("Carol's Workshop").click();
  await page.getByLabel("Page address").fill("pixel-guild");
  await page.getByRole("button", { name: "Create community" }).click();
  await expect(page.getByText("Page address is already taken by another community")).toBeVisible();

  await page.getByLabel("Page address").fill("Not A Slug!");
  await page.getByRole("button", { name: "Create community" }).click();
  await expect(page.getByText("Page address may use lower-case letters, digits and single hyphens")).toBeVisible();
  expect(await query<{ n: number }>("SELECT count(*)::int AS n FROM communities")).toEqual(before);
});

test("what an owner types before the page's script runs is kept when the page comes alive", async ({ page }) => {
  await signInAs(page, "Carol Owner", "/dashboard/new");
  const scripts = await holdScripts(page);
  await page.reload({ waitUntil: "commit" });
  await page.getByLabel("Community name").fill("Early Club");
  scripts.release();
  await page.getByLabel("Page address").fill("early-club");
  // The hint follows the address only once the script runs.
  await expect(page.getByText("Your public page: /c/early-club")).toBeVisible();
  await expect(page.getByLabel("Community name")).toHaveValue("Early Club");
});

test("another owner cannot open or act on a community's dashboard, even by posting the action directly", async ({ page }) => {
  await signInAs(page, "Carol Owner");
  for (const path of ["/dashboard/pixel-guild", "/dashboard/pixel-guild/settings"]) {
    const response = await page.goto(path);
    expect(response?.status()).toBe(404);
  }
  const [before] = await query<{ name: string; updated_at: Date; settings: unknown }>(
    "SELECT name, updated_at, settings FROM communities WHERE slug = 'pixel-guild'",
  );

  // Carol's own settings form, pointed at Alice's community: the server must refuse it.
  await page.goto("/dashboard/trading-desk/settings");
  const pointAtAlice = (form: string) =>
    page.locator(`form:has(button:text("${form}")) input[name="communitySlug"]`).evaluate((input: HTMLInputElement) => (input.value = "pixel-guild"));
  await pointAtAlice("Save settings");
  await page.getByLabel("Name", { exact: true }).fill("Hijacked");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "We couldn't find that community." })).toBeVisible();
  // The checkout questions form too.
  const questions = page.getByRole("form", { name: "Checkout questions" });
  await pointAtAlice("Save questions");
  await questions.getByRole("group", { name: "Question 3" }).getByLabel("Question", { exact: true }).fill("Hijacked?");
  await questions.getByRole("button", { name: "Save questions" }).click();
  await expect(questions.getByRole("alert").filter({ hasText: "We couldn't find that community." })).toBeVisible();

  const [after] = await query<{ name: string; updated_at: Date; settings: unknown }>(
    "SELECT name, updated_at, settings FROM communities WHERE slug = 'pixel-guild'",
  );
  expect(after).toEqual(before);
  const [trading] = await query<{ name: string }>("SELECT name FROM communities WHERE slug = 'trading-desk'");
  expect(trading?.name).toBe("Trading Desk");
});

test("a member without an e-mail on Discord signs in and sees their memberships", async ({ page }) => {
  await signInAs(page, "Bob Member", "/portal");
  await expect(page).toHaveURL(/\/portal$/);
  const memberships = page.getByRole("list", { name: "Your memberships" });
  await expect(memberships.getByRole("link", { name: "Pixel Guild" })).toBeVisible();
  await expect(memberships.getByRole("link", { name: "Trading Desk" })).toBeVisible();
  const [bob] = await query<{ email: string | null; locale: string; avatar_url: string }>(
    "SELECT email, locale, avatar_url FROM users WHERE discord_id = '100000000000000002'",
  );
  expect(bob).toEqual({ email: null, locale: "en-GB", avatar_url: expect.stringMatching(/^https:\/\/cdn\.discordapp\.com\/embed\/avatars\/\d\.png$/) });
});

test("the header shows the Discord avatar once it has loaded, and the initial until then or when it never does", async ({ page }) => {
  // Discord's CDN, answered here: unreachable (as offline), then slow, then with an image.
  const cdn = "https://cdn.discordapp.com/**";
  await page.route(cdn, (route) => route.abort("namenotresolved"));
  await signInAs(page, "Bob Member", "/portal");
  const user = page.getByTestId("signed-in-user");
  await expect(user.getByText("B", { exact: true })).toBeVisible();
  await expect(user.locator("img")).toBeHidden();

  await page.unroute(cdn);
  let answer!: () => void;
  const answered = new Promise<void>((resolve) => (answer = resolve));
  const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
  await page.route(cdn, async (route) => {
    await answered;
    await route.fulfill({ contentType: "image/png", body: png });
  });
  await page.reload({ waitUntil: "domcontentloaded" });
  await expect(user.getByText("B", { exact: true })).toBeVisible();
  await expect(user.locator("img")).toBeHidden();
  answer();
  await expect(user.locator("img")).toBeVisible();
});

test("a signed-in user joins a community for free from its public page", async ({ page }) => {
  await signInAs(page, "Carol Owner", "/c/study-hall");
  await expect(page).toHaveURL(/\/c\/study-hall$/);
  await page.getByRole("button", { name: "Join Study Hall for free" }).click();
  await expect(page.getByText("You're a member of Study Hall.")).toBeVisible();
  const rows = await query<{ discord_user_id: string }>(
    `SELECT m.discord_user_id FROM community_members m JOIN communities c ON c.id = m.community_id
      JOIN users u ON u.id = m.user_id WHERE c.slug = 'study-hall' AND u.username = 'carol'`,
  );
  expect(rows).toEqual([{ discord_user_id: "100000000000000003" }]);
  await page.goto("/portal");
  await expect(page.getByRole("list", { name: "Your memberships" }).getByRole("link", { name: "Study Hall" })).toBeVisible();
});
