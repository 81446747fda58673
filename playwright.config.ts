import { defineConfig, devices } from "@playwright/test";
import { CHROMIUM_ARGS } from "./e2e/support/chromium";

// `npm test` provisions a database and exports COMMUNITYOS_TEST_APP_URL; the
// app is served from a production build (`next build` ran before this).
const port = Number(process.env.E2E_PORT ?? 3100);
const appUrl = process.env.COMMUNITYOS_TEST_APP_URL;
if (!appUrl) throw new Error("Run the e2e suite through `npm test`, which provisions its database.");
// Quiet by default: failures and a summary. `npm test -- --verbose` lists every test and the server's logs.
const verbose = process.env.TEST_VERBOSE === "1";

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  // The longest user journeys take ~17 s here; CI's machine has run twice as slow.
  timeout: 60_000,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [[verbose ? "list" : "dot"], ["json", { outputFile: "test-results/e2e-results.json" }]],
  use: {
    // Next.js rewrites loopback hosts to "localhost" inside route handlers, so the
    // app is addressed as localhost everywhere or OAuth redirect URIs would differ.
    baseURL: `http://localhost:${port}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
          args: CHROMIUM_ARGS,
        },
      },
    },
  ],
  webServer: {
    // The standalone server, as the container image runs it (npm test builds it so).
    command: `node scripts/serve-standalone.mjs`,
    url: `http://localhost:${port}/api/health`,
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: verbose ? "pipe" : "ignore",
    stderr: "pipe",
    // A production build, declared a test stage so it may use the fake Discord.
    env: {
      PORT: String(port),
      APP_DATABASE_URL: appUrl,
      NODE_ENV: "production",
      COMMUNITYOS_ENV: "test",
      AUTH_URL: `http://localhost:${port}`,
      NEXT_TELEMETRY_DISABLED: "1",
      DISCORD_FAKE_URL: process.env.DISCORD_FAKE_URL ?? "",
      STRIPE_FAKE_URL: process.env.STRIPE_FAKE_URL ?? "",
      SMTP_URL: process.env.SMTP_URL ?? "",
      MAIL_INBOX_URL: process.env.MAIL_INBOX_URL ?? "",
      STRIPE_WEBHOOK_SECRET: process.env.STRIPE_WEBHOOK_SECRET ?? "",
      BOT_TOKEN_KEYS: process.env.BOT_TOKEN_KEYS ?? "",
      DISCORD_PUBLIC_KEY: process.env.DISCORD_PUBLIC_KEY ?? "",
      // The e2e build runs its jobs (role sync, notifications) in the server process, as `npm run dev` does.
      COMMUNITYOS_IN_PROCESS_WORKER: "1",
      AUTH_SECRET: process.env.AUTH_SECRET ?? "",
      // Every test signs in from this one address, ~30 times a minute; the limit itself
      // is tested in tests/rate-limits.integration.test.ts.
      SIGN_IN_RATE_LIMIT: "1000",
      LOG_LEVEL: verbose ? "info" : "warn",
    },
  },
});
