// npm test — the whole suite on a fresh machine: a throw-away PostgreSQL
// (embedded, or new databases on a local TEST_DATABASE_URL), Vitest unit and
// integration tests, a production build, then Playwright against it. It
// provisions what it needs (Chromium, the PostgreSQL client tools); Vitest and
// the end-to-end server each get their own database and their own fakes.
//
// Prints failures and a summary; `npm test -- --verbose` also shows every
// test's name and the servers' logs. While working on one part:
// `npm test -- --only=unit tests/checkout` or `npm test -- --only=e2e e2e/checkout.spec.ts`
// (the other words are passed to Vitest or Playwright as file filters).
import { spawn } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { startFakeDiscord } from "../e2e/fakes/discord/server";
import { DEMO_PLATFORM_PLANS, mirrorPlatformPlans } from "../e2e/fakes/stripe/platform-plans";
import { startFakeStripe } from "../e2e/fakes/stripe/server";
import { startFakeMail } from "../e2e/fakes/mail/server";
import { provisionTestDatabases } from "../tests/support/test-database";
import { newKeyEntry } from "../lib/crypto/token-box";
import { PROJECT_ROOT } from "./lib/database-setup";
import { ensureDebianTools, MissingPackageError } from "./lib/debian-packages";

process.env.NEXT_TELEMETRY_DISABLED = "1";
const args = process.argv.slice(2);
const verbose = args.includes("--verbose") || process.env.TEST_VERBOSE === "1";
const only = args.find((a) => a.startsWith("--only="))?.slice("--only=".length);
if (only !== undefined && only !== "unit" && only !== "e2e") {
  console.error(`✗ --only takes "unit" or "e2e", not "${only}"`);
  process.exit(2);
}
const filters = args.filter((a) => !a.startsWith("--"));
const runUnit = only !== "e2e";
const runE2e = only !== "unit";

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: PROJECT_ROOT, env, stdio: "inherit" });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

type Counts = { passed: number; failed: number; skipped: number };

async function vitestCounts(file: string): Promise<Counts> {
  const report = JSON.parse(await readFile(file, "utf8"));
  return { passed: report.numPassedTests, failed: report.numFailedTests, skipped: report.numPendingTests + report.numTodoTests };
}

async function playwrightCounts(file: string): Promise<Counts> {
  const { stats } = JSON.parse(await readFile(file, "utf8"));
  return { passed: stats.expected, failed: stats.unexpected + stats.flaky, skipped: stats.skipped };
}

const node = process.execPath;
let chromium: string;
let pgbouncer: string;
try {
  ({ chromium, pgbouncer } = ensureDebianTools(["chromium", "pgbouncer"], "tests (Playwright drives Chromium; the pooling test runs PgBouncer)"));
} catch (error) {
  if (!(error instanceof MissingPackageError)) throw error;
  console.error(`✗ ${error.message}`);
  process.exit(1);
}
// The backup test needs pg_dump as new as the server (built once into .tools/).
if (!process.env.PG_BIN_DIR && (await run("bash", ["scripts/pg-tools/build.sh"], process.env)) !== 0) {
  console.error("✗ could not build the PostgreSQL client tools the backup test needs (set PG_BIN_DIR to PostgreSQL 18 client tools to skip the build)");
  process.exit(1);
}
console.log("▸ provisioning the test databases (one for Vitest, one for the end-to-end server)");
const databases = await provisionTestDatabases(["unit", "e2e"]);
const unitDb = databases.urls.unit!;
const e2eDb = databases.urls.e2e!;

// Vitest's fakes and the end-to-end server's: neither sees the other's objects.
const unitDiscord = await startFakeDiscord();
const unitStripe = await startFakeStripe();
const e2eDiscord = await startFakeDiscord();
const unitMail = await startFakeMail();
const e2eMail = await startFakeMail();
// The fake delivers signed webhooks to the production build the e2e suite serves.
const webhookSecret = `whsec_${randomBytes(24).toString("hex")}`;
const e2eOrigin = `http://localhost:${process.env.E2E_PORT ?? 3100}`;
const e2eStripe = await startFakeStripe({
  webhook: { url: `${e2eOrigin}/api/webhooks/stripe`, secret: webhookSecret },
  platformWebhook: { url: `${e2eOrigin}/api/webhooks/stripe/platform`, secret: webhookSecret },
});
// Both fakes hold the operator's Pro price (the e2e seed adds its communities' plans).
await mirrorPlatformPlans(unitStripe.url);

const base: NodeJS.ProcessEnv = {
  ...process.env,
  STRIPE_WEBHOOK_SECRET: webhookSecret,
  PLATFORM_PLANS: DEMO_PLATFORM_PLANS,
  BOT_TOKEN_KEYS: newKeyEntry("test"),
  AUTH_SECRET: randomBytes(32).toString("base64url"),
  CHROMIUM_PATH: chromium,
  PGBOUNCER_PATH: pgbouncer,
  // Expected failures (a database stopped on purpose, a refused webhook) log errors; shown with --verbose.
  LOG_LEVEL: process.env.LOG_LEVEL ?? (verbose ? "info" : "silent"),
  // Quiet by default; one known warning would otherwise print in every run: Prisma's query
  // interpreter loads a transaction's relations concurrently on its one pg client, which
  // pg 8.19+ reports as deprecated (pg still queues them correctly). --verbose shows it.
  ...(verbose ? { TEST_VERBOSE: "1" } : { NODE_OPTIONS: [process.env.NODE_OPTIONS, "--no-deprecation"].filter(Boolean).join(" ") }),
};
for (const key of [
  "AUTH_DISCORD_ID",
  "AUTH_DISCORD_SECRET",
  "STRIPE_SECRET_KEY",
  "STRIPE_PLATFORM_WEBHOOK_SECRET",
  "DATABASE_URL",
  "DISCORD_BOT_TOKEN",
  "SMTP_URL",
  "MAIL_INBOX_URL",
])
  delete base[key];

const unitEnv: NodeJS.ProcessEnv = {
  ...base,
  COMMUNITYOS_TEST_OWNER_URL: unitDb.ownerUrl,
  COMMUNITYOS_TEST_APP_URL: unitDb.appUrl,
  DISCORD_FAKE_URL: unitDiscord.url,
  DISCORD_PUBLIC_KEY: unitDiscord.publicKey,
  STRIPE_FAKE_URL: unitStripe.url,
  SMTP_URL: unitMail.smtpUrl,
  MAIL_INBOX_URL: unitMail.inboxUrl,
};
const e2eEnv: NodeJS.ProcessEnv = {
  ...base,
  COMMUNITYOS_TEST_OWNER_URL: e2eDb.ownerUrl,
  COMMUNITYOS_TEST_APP_URL: e2eDb.appUrl,
  DISCORD_FAKE_URL: e2eDiscord.url,
  DISCORD_PUBLIC_KEY: e2eDiscord.publicKey,
  STRIPE_FAKE_URL: e2eStripe.url,
  SMTP_URL: e2eMail.smtpUrl,
  MAIL_INBOX_URL: e2eMail.inboxUrl,
};

let exitCode = 1;
const totals: Counts = { passed: 0, failed: 0, skipped: 0 };
try {
  await rm("test-results", { recursive: true, force: true });

  // The end-to-end database is seeded as `npm run dev` seeds: a newcomer sees the demo, fakes included.
  if (runE2e) console.log("▸ seeding demo data for the end-to-end tests");
  const seeded = !runE2e ? 0 : await run(node, ["node_modules/tsx/dist/cli.mjs", "prisma/seed.ts"], { ...e2eEnv, APP_DATABASE_URL: e2eDb.appUrl });

  const steps: Record<string, number> = { seed: seeded };
  const reports: (Counts | null)[] = [];
  // The whole suite lints first (a part run with --only skips it: `npm run lint` alone).
  if (only === undefined) {
    console.log("▸ lint: ESLint and Prettier");
    steps.lint = await run(node, ["node_modules/tsx/dist/cli.mjs", "scripts/lint.ts"], process.env);
  }
  if (runUnit) {
    console.log("▸ vitest: unit and integration tests");
    const reporters = verbose ? ["--reporter=default"] : ["--reporter=dot"];
    steps.vitest = await run(
      node,
      [
        "node_modules/vitest/vitest.mjs",
        "run",
        ...reporters,
        "--reporter=json",
        "--outputFile.json=test-results/vitest-results.json",
        "--reporter=./tests/support/unhandled-errors-reporter.ts",
        ...filters,
      ],
      unitEnv,
    );
    reports.push(await vitestCounts("test-results/vitest-results.json").catch(() => null));
    // Errors outside any test fail the run too (Vitest reports them, and exits 0).
    const unhandled = await readFile("test-results/vitest-unhandled.json", "utf8")
      .then((text) => (JSON.parse(text) as { count: number }).count)
      .catch(() => -1);
    if (unhandled !== 0) {
      console.error(
        unhandled > 0 ? `✗ ${unhandled} unhandled error(s) during the Vitest run (see "Unhandled Errors" above)` : "✗ no unhandled-error report from Vitest",
      );
      steps.vitestUnhandled = 1;
    }
  }
  if (runE2e) {
    console.log("▸ next build");
    // The standalone output the container image ships; the end-to-end server runs it.
    steps.build = seeded === 0 ? await run(node, ["node_modules/next/dist/bin/next", "build"], { ...e2eEnv, NEXT_OUTPUT: "standalone" }) : 1;
    console.log("▸ playwright: end-to-end tests against the production build");
    steps.playwright = steps.build === 0 ? await run(node, ["node_modules/@playwright/test/cli.js", "test", ...filters], e2eEnv) : 1;
    reports.push(await playwrightCounts("test-results/e2e-results.json").catch(() => null));
  }

  for (const counts of reports) {
    if (!counts) continue;
    totals.passed += counts.passed;
    totals.failed += counts.failed;
    totals.skipped += counts.skipped;
  }
  const failedSteps = Object.entries(steps)
    .filter(([, code]) => code !== 0)
    .map(([name]) => name);
  if (reports.some((r) => r === null)) failedSteps.push("reports");
  exitCode = failedSteps.length === 0 && totals.failed === 0 ? 0 : 1;
  if (failedSteps.length) console.error(`✗ failed: ${failedSteps.join(", ")}`);
} finally {
  await Promise.all([unitDiscord.close(), unitStripe.close(), e2eDiscord.close(), e2eStripe.close(), unitMail.close(), e2eMail.close()]);
  await databases.teardown();
}
console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(exitCode);
