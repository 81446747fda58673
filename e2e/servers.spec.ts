import { expect, test } from "@playwright/test";
import { signInAs, signOut } from "./support/auth";
import { expectAccessible } from "./support/axe";
import { query } from "./support/db";
import { fakeDiscord, type GuildState } from "./support/fake-discord";

const SANDBOX = "200000000000000011";
const REGULARS = "300000000000000111";
const SUPPORTERS = "300000000000000112";
const BOB = "100000000000000002";

const tierServerRoles = async () =>
  (
    await query<{ roles: unknown }>(
      "SELECT t.server_roles AS roles FROM subscription_tiers t JOIN communities c ON c.id = t.community_id WHERE c.slug = 'pixel-guild' AND t.name = 'Pro'",
    )
  )[0]!.roles;

test("an owner on Pro links another of their servers (adding the bot there first), a tier grants roles in it, and unlinking takes it off the tier", async ({
  page,
}) => {
  await signInAs(page, "Alice Owner", "/dashboard/pixel-guild/bot");
  const card = page.getByTestId("other-servers");
  await expect(card.getByRole("heading", { name: "Your other servers" })).toBeVisible();

  // The bot is not in Alice's Sandbox yet: linking says so and offers to add it.
  await card.getByLabel("Link another of your servers").selectOption({ label: "Alice's Sandbox" });
  await card.getByRole("button", { name: "Link server" }).click();
  await expect(card.getByRole("alert")).toContainText("The bot is not in that server yet.");
  await card.getByRole("link", { name: "Add the bot to Alice's Sandbox" }).click();

  // Discord's bot authorization for that server; back on the Bot tab with it linked.
  await expect(page.getByRole("heading", { name: "Add CommunityOS Demo Bot to Alice's Sandbox" })).toBeVisible();
  await page.getByRole("button", { name: /Alice Owner/ }).click();
  await expect(page).toHaveURL(/\/dashboard\/pixel-guild\/bot\?notice=server_linked$/);
  await expect(page.getByText("The bot is in your other server and it is linked.")).toBeVisible();
  await expect(page.getByTestId(`linked-server-${SANDBOX}`)).toContainText("Alice's Sandbox");
  await expect(page.getByTestId(`linked-server-${SANDBOX}`)).toContainText("Linked");
  expect(await query("SELECT linked_guild_ids AS ids FROM communities WHERE slug = 'pixel-guild'")).toEqual([{ ids: [SANDBOX] }]);
  // Already linked: no longer offered.
  await expect(card.getByLabel("Link another of your servers").locator("option", { hasText: "Alice's Sandbox" })).toHaveCount(0);

  // Discord put the bot's role at the bottom; the owner drags it up, as they would in Server Settings → Roles.
  await fakeDiscord(`guilds/${SANDBOX}/bot`, { position: 5 });

  // The Pro tier also grants "Regulars" and "Supporters" in the Sandbox, picked by name.
  await page.goto("/dashboard/pixel-guild/tiers");
  await page.getByRole("list", { name: "Tiers" }).getByRole("listitem").filter({ hasText: /^Pro/ }).getByRole("link", { name: "Edit" }).click();
  await expect(page.getByRole("heading", { name: "Edit Pro" })).toBeVisible();
  const sandboxRoles = page.getByRole("group", { name: "Roles in Alice's Sandbox" });
  await sandboxRoles.getByLabel("Regulars").check();
  await sandboxRoles.getByLabel("Supporters").check();
  // A refused save keeps the picks.
  const price = page.getByLabel("Price");
  const savedPrice = await price.inputValue();
  await price.fill("0");
  await page.getByRole("button", { name: "Save tier" }).click();
  await expect(page.getByText("must be more than 0")).toBeVisible();
  await expect(sandboxRoles.getByLabel("Regulars")).toBeChecked();
  await expect(sandboxRoles.getByLabel("Supporters")).toBeChecked();
  await expectAccessible(page, "the tier form with a linked server's roles, refused");
  await price.fill(savedPrice);
  await page.getByRole("button", { name: "Save tier" }).click();
  await expect(page).toHaveURL(/\/dashboard\/pixel-guild\/tiers\?notice=/);
  const picked = [
    { guildId: SANDBOX, roleId: REGULARS },
    { guildId: SANDBOX, roleId: SUPPORTERS },
  ];
  expect(await tierServerRoles()).toEqual(expect.arrayContaining(picked));
  expect(await tierServerRoles()).toHaveLength(picked.length);

  // Bob pays for Pro: his detail lists where he stands in the linked server.
  await page.goto("/dashboard/pixel-guild/members");
  await page.getByRole("table", { name: "Members" }).getByRole("button", { name: "Bob Member" }).click();
  await expect(page.getByRole("dialog", { name: "Bob Member" }).getByTestId("member-servers")).toHaveText(/Other servers: Alice's Sandbox \(.+\)/);
  await page.getByRole("dialog", { name: "Bob Member" }).getByRole("button", { name: "Close" }).click();

  // The table filters on where members stand in the linked server. Bob left the Sandbox (the gateway would have said so).
  await query(
    `UPDATE community_members m SET server_status = m.server_status || jsonb_build_object($1::text, 'left')
       FROM communities c WHERE c.id = m.community_id AND c.slug = 'pixel-guild' AND m.discord_user_id = $2`,
    [SANDBOX, BOB],
  );
  const [{ n: outOfSandbox } = { n: 0 }] = await query<{ n: number }>(
    `SELECT count(*)::int AS n FROM community_members m JOIN communities c ON c.id = m.community_id
      WHERE c.slug = 'pixel-guild' AND m.server_status ->> $1 NOT IN ('joined', 'unknown')`,
    [SANDBOX],
  );
  await page.reload();
  await page.getByLabel("In the Discord server").selectOption({ label: "Not in Alice's Sandbox" });
  await expect(page).toHaveURL(new RegExp(`place=out%3A${SANDBOX}`));
  await expect(page.getByTestId("members-count")).toHaveText(`${outOfSandbox} ${outOfSandbox === 1 ? "member" : "members"}`);
  await page.getByRole("searchbox", { name: "Search members" }).fill("bob");
  await expect(page).toHaveURL(/q=bob/);
  const bobsRow = page.getByRole("table", { name: "Members" }).getByRole("row").filter({ hasText: "Bob Member" });
  await expect(bobsRow).toContainText("Not in Alice's Sandbox: left");
  await page.getByLabel("In the Discord server").selectOption({ label: "In Alice's Sandbox" });
  await expect(page).toHaveURL(new RegExp(`place=in%3A${SANDBOX}`));
  await expect(bobsRow).toHaveCount(0);
  await page.getByRole("searchbox", { name: "Search members" }).fill("");

  // Bob's portal says his membership gives him roles there too.
  await page.goto("/dashboard");
  await signOut(page);
  await signInAs(page, "Bob Member", "/portal");
  const pixel = page.getByRole("list", { name: "Your memberships" }).getByRole("listitem").filter({ hasText: "Pixel Guild" }).first();
  await expect(pixel.getByTestId("linked-servers")).toContainText("Your membership also gives you roles in:");
  await expect(pixel.getByTestId("linked-servers").getByRole("link", { name: "Alice's Sandbox" })).toHaveAttribute(
    "href",
    `https://discord.com/channels/${SANDBOX}`,
  );
  // Signed in (Discord's guilds.join granted), "Regain access" brings him into the Sandbox with both roles.
  await pixel.getByRole("button", { name: "Regain access" }).click();
  await expect(pixel.getByTestId("guild-status")).not.toBeEmpty();
  const bobsSandboxRoles = async () => ((await fakeDiscord<GuildState>(`guilds/${SANDBOX}`)).members[BOB] ?? []).sort();
  await expect.poll(bobsSandboxRoles, { timeout: 20_000 }).toEqual([REGULARS, SUPPORTERS]);
  await signOut(page);

  // In the Sandbox's settings "Supporters" is deleted and "Regulars" dragged above the bot's role:
  // the tier still lists both as ticked, each saying why, so the owner sees and unticks them.
  await fakeDiscord(`guilds/${SANDBOX}/roles`, { id: SUPPORTERS, deleted: true });
  await fakeDiscord(`guilds/${SANDBOX}/roles`, { id: REGULARS, position: 9 });
  await signInAs(page, "Alice Owner", "/dashboard/pixel-guild/tiers");
  await page.getByRole("list", { name: "Tiers" }).getByRole("listitem").filter({ hasText: /^Pro/ }).getByRole("link", { name: "Edit" }).click();
  await expect(sandboxRoles.getByLabel("Regulars — can't be handed out by the bot")).toBeChecked();
  await expect(sandboxRoles.getByLabel("A role that is no longer in Alice's Sandbox")).toBeChecked();
  // Saved as it is, the role the bot can't hand out is refused. The owner unticks the deleted one and
  // drags the bot's role back above "Regulars" in Discord: the tier keeps "Regulars" there.
  await page.getByRole("button", { name: "Save tier" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Roles in your other servers" })).toBeVisible();
  await sandboxRoles.getByLabel("A role that is no longer in Alice's Sandbox").uncheck();
  await fakeDiscord(`guilds/${SANDBOX}/roles`, { id: REGULARS, position: 1 });
  await page.getByRole("button", { name: "Save tier" }).click();
  await expect(page).toHaveURL(/\/dashboard\/pixel-guild\/tiers\?notice=/);
  expect(await tierServerRoles()).toEqual([{ guildId: SANDBOX, roleId: REGULARS }]);
  // The Sandbox's "Supporters" back as the seed made it, for whoever runs next.
  await fakeDiscord(`guilds/${SANDBOX}/roles`, { id: SUPPORTERS, name: "Supporters", position: 2 });

  // Unlinked: gone from the tab and from the tier.
  await page.goto("/dashboard/pixel-guild/bot");
  await page.getByRole("button", { name: "Unlink Alice's Sandbox" }).click();
  await expect(page.getByText("Its roles leave every tier; roles already given there stay.")).toBeVisible();
  await page.getByRole("button", { name: "Unlink Alice's Sandbox" }).click();
  await expect(page.getByTestId(`linked-server-${SANDBOX}`)).toHaveCount(0);
  expect(await tierServerRoles()).toEqual([]);
});

test("on Free, linking servers is offered as part of Pro", async ({ page }) => {
  await signInAs(page, "Carol Owner", "/dashboard/trading-desk/bot");
  await expect(page.getByTestId("other-servers")).toContainText("Granting roles in several servers is part of the Pro plan.");
  await expect(page.getByTestId("other-servers").getByRole("link", { name: "See plans" })).toHaveAttribute("href", "/dashboard/trading-desk/payouts");
});
