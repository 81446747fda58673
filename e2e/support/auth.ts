import { expect, type Page } from "@playwright/test";

export type DemoUser = "Alice Owner" | "Bob Member" | "Carol Owner" | "Erin Newcomer" | "Erin (second account)";

/** The real Auth.js flow: our sign-in page, the fake Discord's authorize page, back to the app. */
export async function signInAs(page: Page, who: DemoUser, callbackUrl = "/dashboard") {
  await page.goto(`/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`);
  await page.getByRole("button", { name: "Sign in with Discord" }).click();
  await expect(page.getByRole("heading", { name: "Demo Discord" })).toBeVisible();
  await page.getByRole("button", { name: new RegExp(who.replace(/[()]/g, "\\$&")) }).click();
  await expect(page.getByTestId("signed-in-user")).toContainText(who);
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("link", { name: "Sign in with Discord" })).toBeVisible();
}
