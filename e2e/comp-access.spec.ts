import { expect, test } from "@playwright/test";
import { signInAs } from "./support/auth";
import { query } from "./support/db";
import { fakeDiscord, type GuildState } from "./support/fake-discord";

const PIXEL_GUILD = "200000000000000001";
const BOB = "100000000000000002";
const PRO = "300000000000000002";
const PATRON = "300000000000000003";

const bobsRoles = async () => [...((await fakeDiscord<GuildState>(`guilds/${PIXEL_GUILD}`)).members[BOB] ?? [])].sort();
const bobsRecordedRoles = async () =>
  (
    await query<{ roles: string[] }>(
      "SELECT m.roles FROM community_members m JOIN users u ON u.id = m.user_id JOIN communities c ON c.id = m.community_id WHERE c.slug = 'pixel-guild' AND u.discord_id = $1",
      [BOB],
    )
  )[0]!.roles.sort();

test("the owner gives a member a tier for free: the bot grants its roles; revoking takes them back", async ({ page }) => {
  await signInAs(page, "Alice Owner", "/dashboard/pixel-guild/members");
  await page.getByRole("searchbox", { name: "Search members" }).fill("bob");
  await page.getByRole("table", { name: "Members" }).getByRole("button", { name: "Bob Member" }).click();
  const drawer = page.getByRole("dialog", { name: "Bob Member" });
  const freeAccess = drawer.getByRole("region", { name: "Free access" });
  await expect(freeAccess.getByText(/^None\./)).toBeVisible();

  // A date in the past is refused, with the field named.
  await freeAccess.getByLabel("Tier").selectOption({ label: "Patron" });
  await freeAccess.getByLabel("Until (optional)").fill("2020-01-01");
  await freeAccess.getByRole("button", { name: "Give free access" }).click();
  await expect(freeAccess.getByText("The end date is in the past. Pick a later day, or leave it empty for good.")).toBeVisible();
  // Nothing typed is lost.
  await expect(freeAccess.getByLabel("Tier")).toHaveValue(
    (await freeAccess.getByLabel("Tier").locator("option", { hasText: "Patron" }).getAttribute("value")) ?? "",
  );
  await expect(freeAccess.getByLabel("Until (optional)")).toHaveValue("2020-01-01");

  await freeAccess.getByLabel("Until (optional)").fill("");
  await freeAccess.getByLabel("Note (optional)").fill("playtest lead");
  await freeAccess.getByRole("button", { name: "Give free access" }).click();
  await expect(freeAccess.getByText("Patron given for good. The bot grants its roles shortly.")).toBeVisible();
  await expect(freeAccess.getByTestId("comp-grants")).toContainText("Patron · for good · “playtest lead”");
  // He keeps paying for Pro (his status stays "active"); the bot adds Patron's role beside Pro's.
  await expect.poll(bobsRoles, { timeout: 20_000 }).toEqual([PRO, PATRON]);
  const [audit] = await query<{ details: { tier: string; note: string } }>(
    "SELECT a.details FROM audit_log a JOIN communities c ON c.id = a.community_id WHERE c.slug = 'pixel-guild' AND a.action = 'comp.granted' ORDER BY a.created_at DESC LIMIT 1",
  );
  expect(audit!.details).toMatchObject({ tier: "Patron", note: "playtest lead" });

  await freeAccess.getByRole("button", { name: "Revoke" }).click();
  await expect(freeAccess.getByText("Free access revoked. The bot removes the tier's roles shortly.")).toBeVisible();
  await expect(freeAccess.getByText(/^None\./)).toBeVisible();
  await expect.poll(bobsRoles, { timeout: 20_000 }).toEqual([PRO]);
  await expect.poll(bobsRecordedRoles, { timeout: 20_000 }).toEqual([PRO]);
});
