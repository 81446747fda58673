/** How Debian's Chromium runs headless here (as root, no GPU, nothing fetched from outside): Playwright's suite and the dev bench. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];
