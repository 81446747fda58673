import type { Page } from "@playwright/test";

/**
 * Holds the page's JavaScript chunks back until release(), so a test can act
 * on the server's HTML before React runs it, as a user on a slow phone does.
 */
export async function holdScripts(page: Page) {
  let run!: () => void;
  const held = new Promise<void>((resolve) => (run = resolve));
  // Left in place after release: later chunks pass straight through (unrouting would race the held ones).
  await page.route("**/_next/static/chunks/**/*.js", async (route) => {
    await held;
    await route.continue();
  });
  return { release: () => run() };
}
