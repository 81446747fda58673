// `npm run dev` from cold, as a newcomer meets it: its own data directory (a
// fresh embedded PostgreSQL, demo data, fakes) and its own Next build directory,
// so nothing is compiled yet and nothing of the developer's is touched. Once it
// says "ready", Chromium signs in as Alice and opens each main page once; each
// first visit is timed to the page's load.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "@playwright/test";
import { freePort } from "../../tests/support/test-database";
import { ensureChromium } from "../lib/debian-packages";
import { PROJECT_ROOT } from "../lib/database-setup";
import { CHROMIUM_ARGS } from "../../e2e/support/chromium";

const TARGET_MS = 5000;
const PAGES = [
  "/dashboard/pixel-guild",
  "/dashboard/pixel-guild/members",
  "/dashboard/pixel-guild/payments",
  "/dashboard/pixel-guild/tiers",
  "/dashboard/pixel-guild/bot",
  "/dashboard/pixel-guild/settings",
  "/portal",
  "/c/pixel-guild",
];

export async function benchDevFirstVisit(): Promise<boolean> {
  console.log("\n## npm run dev from cold: the first visit of each main page after it says ready");
  const dataDir = await mkdtemp(path.join(tmpdir(), "communityos-bench-dev-"));
  // As root, PostgreSQL runs as the OS user postgres, who must reach its data directory inside.
  await chmod(dataDir, 0o755);
  const distDir = `.next-bench-${randomBytes(4).toString("hex")}`;
  const [port, pg, discord, stripe, smtp, mail] = await Promise.all(Array.from({ length: 6 }, freePort));
  // next dev adds its build directory's types to tsconfig.json; the bench's directory is temporary.
  const tsconfig = await readFile(path.join(PROJECT_ROOT, "tsconfig.json"), "utf8");
  const started = Date.now();
  const dev = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/dev.ts"], {
    cwd: PROJECT_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      COMMUNITYOS_DATA_DIR: dataDir,
      NEXT_DIST_DIR: distDir,
      PORT: String(port),
      EMBEDDED_PG_PORT: String(pg),
      FAKE_DISCORD_PORT: String(discord),
      FAKE_STRIPE_PORT: String(stripe),
      FAKE_SMTP_PORT: String(smtp),
      FAKE_MAIL_PORT: String(mail),
      DATABASE_URL: "",
      APP_DATABASE_URL: "",
    },
  });
  let output = "";
  dev.stderr!.on("data", (chunk: Buffer) => (output += chunk));
  const browser = await chromium.launch({
    executablePath: ensureChromium(),
    args: CHROMIUM_ARGS,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm run dev did not say ready in 5 minutes:\n${output}`)), 300_000);
      dev.stdout!.on("data", (chunk: Buffer) => {
        output += chunk;
        if (output.includes("CommunityOS is ready")) {
          clearTimeout(timer);
          resolve();
        }
      });
      dev.once("exit", (code) => reject(new Error(`npm run dev exited (${code}):\n${output}`)));
    });
    console.log(`ready ${((Date.now() - started) / 1000).toFixed(0)} s after start (database, migrations, demo data, fakes, compiling the main pages)`);

    const page = await (await browser.newContext({ baseURL: `http://localhost:${port}` })).newPage();
    const timed: [string, number][] = [];
    const time = async (label: string, visit: () => Promise<unknown>) => {
      const at = Date.now();
      await visit();
      timed.push([label, Date.now() - at]);
    };
    await time("sign in as Alice (our page, Discord's, back to /dashboard)", async () => {
      await page.goto("/signin?callbackUrl=%2Fdashboard");
      await page.getByRole("button", { name: "Sign in with Discord" }).click();
      await page.getByRole("button", { name: /Alice Owner/ }).click();
      await page.getByTestId("signed-in-user").waitFor();
    });
    for (const path of PAGES) await time(path, () => page.goto(path, { waitUntil: "load" }));

    console.log("| first visit | time | target |\n|---|---|---|");
    for (const [label, ms] of timed) console.log(`| ${label} | ${(ms / 1000).toFixed(1)} s | < ${TARGET_MS / 1000} s: ${ms < TARGET_MS ? "MET" : "MISSED"} |`);
    return timed.every(([, ms]) => ms < TARGET_MS);
  } finally {
    await browser.close();
    if (dev.exitCode === null) {
      const exited = new Promise((resolve) => dev.once("exit", resolve));
      dev.kill("SIGINT"); // dev.ts stops Next, the fakes and the embedded PostgreSQL
      await exited;
    }
    await writeFile(path.join(PROJECT_ROOT, "tsconfig.json"), tsconfig);
    await rm(dataDir, { recursive: true, force: true });
    await rm(path.join(PROJECT_ROOT, distDir), { recursive: true, force: true });
  }
}
