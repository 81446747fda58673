import { expect, test, type Page } from "@playwright/test";
import { signInAs, type DemoUser } from "./support/auth";
import { OWNER_PAGES } from "./support/pages";

// A phone (390 px): every page each demo user reaches fits its width (tables
// scroll inside their own box), and the header's links fold into a menu.
test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

const PAGES: Record<Exclude<DemoUser, "Erin Newcomer" | "Erin (second account)">, string[]> = {
  "Alice Owner": OWNER_PAGES,
  "Bob Member": ["/portal", "/c/pixel-guild", "/c/trading-desk"],
  "Carol Owner": ["/dashboard/trading-desk", "/dashboard/trading-desk/members", "/dashboard/trading-desk/tiers"],
};

async function overflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

test("the public pages fit a phone", async ({ page }) => {
  for (const path of ["/", "/c/pixel-guild", "/signin"]) {
    await page.goto(path);
    expect({ path, overflow: await overflow(page) }).toEqual({ path, overflow: 0 });
  }
});

for (const [who, paths] of Object.entries(PAGES) as [keyof typeof PAGES, string[]][]) {
  test(`${who}'s pages fit a phone, and the menu signs out`, async ({ page }) => {
    await signInAs(page, who, paths[0]);
    for (const path of paths) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(200);
      expect({ path, overflow: await overflow(page) }).toEqual({ path, overflow: 0 });
    }
    const header = page.getByRole("banner");
    await expect(header.getByRole("button", { name: "Sign out" })).toBeHidden();
    // A <summary> has no ARIA role for getByRole; it is named by its text "Menu".
    const menu = header.locator("summary").filter({ hasText: "Menu" });
    await menu.click();
    await expect(header.getByTestId("signed-in-user-menu")).toHaveText(who);
    await header.getByRole("link", { name: "Memberships" }).click();
    await expect(page).toHaveURL(/\/portal$/);
    await menu.click();
    await header.getByRole("button", { name: "Sign out" }).click();
    await expect(page.getByRole("link", { name: "Sign in with Discord" })).toBeVisible();
  });
}
