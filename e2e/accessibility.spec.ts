import { expect, test } from "@playwright/test";
import { signInAs } from "./support/auth";
import { expectAccessible } from "./support/axe";
import { OWNER_PAGES } from "./support/pages";

// Every main page, on a desktop and on a phone, passes axe-core's WCAG 2.1 AA
// checks, and so do the states people reach by using them: a form with errors,
// the member drawer (also used by keyboard alone), the phone's header menu.
// One test per page: each signs in straight onto its page, so a slow page
// fails alone and by name instead of running the whole list out of time.

for (const viewport of [
  { width: 1280, height: 900 },
  { width: 390, height: 844 },
]) {
  test.describe(`${viewport.width} px wide`, () => {
    test.use({ viewport });

    test("public pages, the sign-in page and a missing page", async ({ page }) => {
      for (const path of ["/", "/c/pixel-guild", "/signin", "/c/no-such-community"]) {
        await page.goto(path);
        await expectAccessible(page, path);
      }
    });

    for (const path of OWNER_PAGES) {
      test(`the owner's ${path}`, async ({ page }) => {
        await signInAs(page, "Alice Owner", path);
        await expect(page).toHaveURL(new RegExp(`${path}$`));
        await expectAccessible(page, path);
      });
    }

    if (viewport.width < 640) {
      test("the phone's menu, open and closed with Escape", async ({ page }) => {
        await signInAs(page, "Alice Owner", "/dashboard/pixel-guild");
        const header = page.getByRole("banner");
        const menu = header.locator("summary").filter({ hasText: "Menu" });
        await menu.click();
        await expect(header.getByRole("navigation", { name: "Main" })).toBeVisible();
        await expectAccessible(page, "the header menu, open");
        await page.keyboard.press("Escape");
        await expect(header.getByRole("navigation", { name: "Main" })).toBeHidden();
        await expect(menu).toBeFocused();
      });
    }

    test("a tier form with errors", async ({ page }) => {
      await signInAs(page, "Alice Owner", "/dashboard/pixel-guild/tiers");
      await page.getByRole("button", { name: "Create tier" }).click();
      await expect(page.getByLabel("Tier name")).toHaveAttribute("aria-invalid", "true");
      await expectAccessible(page, "the tier form with errors");
    });

    test("the member drawer, by keyboard", async ({ page }) => {
      // Opened with Enter, focus kept inside, Escape gives it back.
      await signInAs(page, "Alice Owner", "/dashboard/pixel-guild/members");
      const name = page.getByRole("table", { name: "Members" }).getByRole("button").first();
      await name.focus();
      await page.keyboard.press("Enter");
      const drawer = page.getByRole("dialog");
      await expect(drawer.getByRole("heading", { name: "Payments" })).toBeVisible();
      await expect(drawer.getByRole("button", { name: "Close" })).toBeFocused();
      await expectAccessible(page, "the member drawer");
      for (let i = 0; i < 40; i++) await page.keyboard.press("Tab");
      expect(await drawer.evaluate((dialog) => dialog.contains(document.activeElement))).toBe(true);
      await page.keyboard.press("Escape");
      await expect(drawer).toBeHidden();
      await expect(name).toBeFocused();
    });

    test("a member's portal and community page", async ({ page }) => {
      await signInAs(page, "Bob Member", "/portal");
      for (const path of ["/portal", "/c/pixel-guild"]) {
        await page.goto(path);
        await expectAccessible(page, path);
      }
    });
  });
}
