// npm run dev — the whole app on one command: a database (embedded unless
// DATABASE_URL is set), migrations, the local fakes of Discord and Stripe when
// there are no keys, demo data once, then `next dev`. When the server is up it
// says where to go and whom to sign in as, and warms the main pages so the
// first click is quick.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { DEMO_PLATFORM_PLANS } from "../e2e/fakes/stripe/platform-plans";
import { newKeyEntry } from "../lib/crypto/token-box";
import { ConfigError, parseServerEnv } from "../lib/env";
import { DEV_DATA_DIR, PROJECT_ROOT, prepareDevDatabase } from "./lib/database-setup";
import { warmRoutes } from "./lib/warm-routes";

process.env.NEXT_TELEMETRY_DISABLED = "1";
const DATA = DEV_DATA_DIR;

/** A development secret kept in .data, so it survives restarts (sessions; sealed bot tokens). */
async function localSecret(name: string, make: () => string): Promise<string> {
  const file = path.join(DATA, name);
  const existing = (await readFile(file, "utf8").catch(() => "")).trim();
  if (existing) return existing;
  const value = make();
  await mkdir(DATA, { recursive: true });
  await writeFile(file, value, { mode: 0o600 });
  return value;
}

// Before anything reads the environment (the seed seals tokens and talks to the fakes).
process.env.BOT_TOKEN_KEYS ||= await localSecret("bot-token-keys", () => newKeyEntry("dev1"));

let env;
try {
  env = parseServerEnv();
} catch (error) {
  console.error((error as ConfigError).message);
  process.exit(1);
}

const port = process.env.PORT ?? "3000";
const origin = `http://localhost:${port}`;

// Without keys (and outside production) the app runs against local fakes of
// Discord and Stripe, which keep their state in .data beside the database.
// (Checked before they start: starting writes their files.)
const hadState = { discord: existsSync(path.join(DATA, "fake-discord.json")), stripe: existsSync(path.join(DATA, "fake-stripe.json")) };
let fakeDiscord: { url: string; publicKey: string; close: () => Promise<void> } | null = null;
if (!env.AUTH_DISCORD_ID && env.stage !== "production") {
  const { startFakeDiscord } = await import("../e2e/fakes/discord/server");
  fakeDiscord = await startFakeDiscord({ port: Number(process.env.FAKE_DISCORD_PORT ?? 54330), stateFile: path.join(DATA, "fake-discord.json") });
  process.env.DISCORD_FAKE_URL = fakeDiscord.url;
  process.env.DISCORD_PUBLIC_KEY = fakeDiscord.publicKey;
}
let fakeStripe: { url: string; close: () => Promise<void> } | null = null;
if (!env.STRIPE_SECRET_KEY && env.stage !== "production") {
  const { startFakeStripe } = await import("../e2e/fakes/stripe/server");
  // The fake signs its webhooks with a secret made for this run, as `stripe listen` does.
  process.env.STRIPE_WEBHOOK_SECRET = `whsec_${randomBytes(24).toString("hex")}`;
  fakeStripe = await startFakeStripe({
    port: Number(process.env.FAKE_STRIPE_PORT ?? 54331),
    webhook: { url: `${origin}/api/webhooks/stripe`, secret: process.env.STRIPE_WEBHOOK_SECRET },
    // The platform's own events (owners' CommunityOS plans) go to their endpoint, as a second endpoint in Stripe would.
    platformWebhook: { url: `${origin}/api/webhooks/stripe/platform`, secret: process.env.STRIPE_WEBHOOK_SECRET },
    stateFile: path.join(DATA, "fake-stripe.json"),
  });
  process.env.STRIPE_FAKE_URL = fakeStripe.url;
  // The demo's operator offers Pro (its price lives on the fake's platform account, put there by the seed).
  process.env.PLATFORM_PLANS ??= DEMO_PLATFORM_PLANS;
}

// Without a mail server of your own, mail goes to a local catcher: every message is visible at /dev/mail.
let fakeMail: { smtpUrl: string; inboxUrl: string; close: () => Promise<void> } | null = null;
if (!env.SMTP_URL && env.stage !== "production") {
  const { startFakeMail } = await import("../e2e/fakes/mail/server");
  fakeMail = await startFakeMail({
    smtpPort: Number(process.env.FAKE_SMTP_PORT ?? 54325),
    httpPort: Number(process.env.FAKE_MAIL_PORT ?? 54326),
    stateFile: path.join(DATA, "fake-mail.json"),
  });
  process.env.SMTP_URL = fakeMail.smtpUrl;
  process.env.MAIL_INBOX_URL = fakeMail.inboxUrl;
}

const database = await prepareDevDatabase(env);
process.env.APP_DATABASE_URL = database.appUrl;

if (database.embedded || process.env.SEED === "1") {
  const { seedDemoData } = await import("../prisma/seed");
  const { db } = await import("../lib/db/client");
  const seeded = await seedDemoData((line) => console.log(`▸ ${line}`));
  if (!seeded && ((fakeStripe && !hadState.stripe) || (fakeDiscord && !hadState.discord))) {
    console.warn(
      "▸ the demo database has no matching saved state for the local Stripe and Discord (.data/fake-*.json): seeded payments and members are unknown to them. `rm -rf .data` starts the demo afresh.",
    );
  }
  await db.$disconnect();
}

// The web server gets only the application role's URL, never the owner's.
const childEnv: NodeJS.ProcessEnv = {
  ...process.env,
  APP_DATABASE_URL: database.appUrl,
  AUTH_SECRET: env.AUTH_SECRET ?? (await localSecret("auth-secret", () => randomBytes(32).toString("base64url"))),
  // Jobs (role sync, notifications, schedules) run inside `next dev`; production runs `npm run worker`.
  COMMUNITYOS_IN_PROCESS_WORKER: "1",
};
delete childEnv.DATABASE_URL;

console.log(`▸ starting Next.js on ${origin}`);
const next = spawn(process.execPath, ["node_modules/next/dist/bin/next", "dev", "--port", port], {
  cwd: PROJECT_ROOT,
  env: childEnv,
  stdio: ["inherit", "pipe", "inherit"],
});
let announced = false;
next.stdout.on("data", (chunk: Buffer) => {
  process.stdout.write(chunk);
  if (announced || !/Ready in|✓ Ready/.test(chunk.toString())) return;
  announced = true;
  const demo = fakeDiscord
    ? [
        "  Sign in with Discord, then pick who you are on the demo Discord page:",
        "    Alice Owner   — owns Pixel Guild and Study Hall (platform admin: /admin/retention)",
        "    Carol Owner   — owns Trading Desk (add the bot to her server in one click)",
        "    Bob Member    — pays for Pixel Guild's Pro tier (no e-mail on Discord)",
        "    Erin Newcomer — in no community yet: subscribe and watch the bot add her to the server",
        "  Payments go through a local Stripe stand-in: its checkout page has a Pay button;",
        `  its test clock renews subscriptions now, paid or declined: ${process.env.STRIPE_FAKE_URL}/test-clock`,
        ...(fakeMail ? [`  Mail to members lands in the local inbox: ${origin}/dev/mail`] : []),
      ]
    : ["  Signing in uses your Discord application (AUTH_DISCORD_ID)."];
  // Next compiles a page on its first visit: the main ones are compiled before we say
  // "ready", so no first click waits on the compiler (or races it for the CPU).
  console.log("▸ compiling the main pages before the first visit…");
  void warmRoutes(origin).then((took) => {
    console.log(`▸ main pages compiled (${took})`);
    console.log(["", `✔ CommunityOS is ready: ${origin}`, ...demo, ""].join("\n"));
  });
});

let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  next.kill("SIGTERM");
  await fakeDiscord?.close();
  await fakeStripe?.close();
  await fakeMail?.close();
  await database.embedded?.stop();
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
next.on("exit", (code) => void shutdown(code ?? 0));
