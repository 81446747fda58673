// npm test — the whole suite on a fresh machine: a throw-away PostgreSQL
// (embedded, or a new database on a local TEST_DATABASE_URL), Vitest unit and
// integration tests, a production build, then Playwright against it.
import { spawn } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { startFakeDiscord } from "../e2e/fakes/discord/server";
import { startFakeStripe } from "../e2e/fakes/stripe/server";
import { provisionTestDatabase } from "../tests/support/test-database";
import { newKeyEntry } from "../lib/crypto/token-box";
import { PROJECT_ROOT } from "./lib/database-setup";

process.env.NEXT_TELEMETRY_DISABLED = "1";

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
// The backup test needs pg_dump as new as the server (built once into .tools/).
if (!process.env.PG_BIN_DIR && (await run("bash", ["scripts/pg-tools/build.sh"], process.env)) !== 0) {
  console.error("✗ could not build the PostgreSQL client tools the backup test needs (set PG_BIN_DIR to PostgreSQL 18 client tools to skip the build)");
  process.exit(1);
}
console.log("▸ provisioning a test database");
const database = await provisionTestDatabase();
const fakeDiscord = await startFakeDiscord();
// The fake delivers signed webhooks to the production build the e2e suite serves.
const webhookSecret = `whsec_${randomBytes(24).toString("hex")}`;
const fakeStripe = await startFakeStripe({
  webhook: { url: `http://localhost:${process.env.E2E_PORT ?? 3100}/api/webhooks/stripe`, secret: webhookSecret },
});
const env: NodeJS.ProcessEnv = {
  ...process.env,
  COMMUNITYOS_TEST_OWNER_URL: database.ownerUrl,
  COMMUNITYOS_TEST_APP_URL: database.appUrl,
  DISCORD_FAKE_URL: fakeDiscord.url,
  STRIPE_FAKE_URL: fakeStripe.url,
  STRIPE_WEBHOOK_SECRET: webhookSecret,
  BOT_TOKEN_KEYS: newKeyEntry("test"),
  DISCORD_PUBLIC_KEY: fakeDiscord.publicKey,
  AUTH_SECRET: randomBytes(32).toString("base64url"),
};
delete env.AUTH_DISCORD_ID;
delete env.AUTH_DISCORD_SECRET;
delete env.STRIPE_SECRET_KEY;
delete env.DATABASE_URL;

let exitCode = 1;
const totals: Counts = { passed: 0, failed: 0, skipped: 0 };
try {
  await rm("test-results", { recursive: true, force: true });

  // Seeded first, as `npm run dev` does: the end-to-end tests see the demo as a newcomer would.
  console.log("▸ seeding demo data");
  const seeded = await run(node, ["node_modules/tsx/dist/cli.mjs", "prisma/seed.ts"], { ...env, APP_DATABASE_URL: database.appUrl });

  console.log("▸ vitest: unit and integration tests");
  const vitest = await run(node, ["node_modules/vitest/vitest.mjs", "run", "--reporter=default", "--reporter=json", "--outputFile.json=test-results/vitest-results.json"], env);
  const unit = await vitestCounts("test-results/vitest-results.json").catch(() => null);

  console.log("▸ next build");
  const build = seeded === 0 ? await run(node, ["node_modules/next/dist/bin/next", "build"], env) : 1;

  console.log("▸ playwright: end-to-end tests against the production build");
  const e2e = build === 0 ? await run(node, ["node_modules/@playwright/test/cli.js", "test"], env) : 1;
  const browser = await playwrightCounts("test-results/e2e-results.json").catch(() => null);

  for (const counts of [unit, browser]) {
    if (!counts) continue;
    totals.passed += counts.passed;
    totals.failed += counts.failed;
    totals.skipped += counts.skipped;
  }
  const steps = { vitest, seed: seeded, build, playwright: e2e };
  const failedSteps = Object.entries(steps).filter(([, code]) => code !== 0).map(([name]) => name);
  if (!unit || !browser) failedSteps.push("reports");
  exitCode = failedSteps.length === 0 && totals.failed === 0 ? 0 : 1;
  if (failedSteps.length) console.error(`✗ failed: ${failedSteps.join(", ")}`);
} finally {
  await fakeDiscord.close();
  await fakeStripe.close();
  await database.teardown();
}
console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(exitCode);
