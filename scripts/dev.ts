// npm run dev — the whole app on one command: a database (embedded unless
// DATABASE_URL is set), migrations, demo data once, then `next dev`.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { newKeyEntry } from "../lib/crypto/token-box";
import { ConfigError, parseServerEnv } from "../lib/env";
import { PROJECT_ROOT, prepareDevDatabase } from "./lib/database-setup";

process.env.NEXT_TELEMETRY_DISABLED = "1";

/** A development AUTH_SECRET kept in .data, so sessions survive restarts. */
async function localAuthSecret(): Promise<string> {
  const file = path.join(PROJECT_ROOT, ".data/auth-secret");
  const existing = await readFile(file, "utf8").catch(() => "");
  if (existing.trim().length >= 32) return existing.trim();
  const secret = randomBytes(32).toString("base64url");
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, secret, { mode: 0o600 });
  return secret;
}

/**
 * Development keys for bot tokens, kept in .data beside the database whose
 * tokens they seal (a new key would make the stored tokens unreadable).
 */
async function localBotTokenKeys(): Promise<string> {
  const file = path.join(PROJECT_ROOT, ".data/bot-token-keys");
  const existing = (await readFile(file, "utf8").catch(() => "")).trim();
  if (existing) return existing;
  const keys = newKeyEntry("dev1");
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, keys, { mode: 0o600 });
  return keys;
}

// Before anything reads the environment (the seed seals the demo bot's token).
process.env.BOT_TOKEN_KEYS ||= await localBotTokenKeys();

let env;
try {
  env = parseServerEnv();
} catch (error) {
  console.error((error as ConfigError).message);
  process.exit(1);
}

const database = await prepareDevDatabase(env);
process.env.APP_DATABASE_URL = database.appUrl;

if (database.embedded || process.env.SEED === "1") {
  const { seedDemoData } = await import("../prisma/seed");
  const { db } = await import("../lib/db/client");
  await seedDemoData((line) => console.log(`▸ ${line}`));
  await db.$disconnect();
}

// Without Discord keys (and outside production) sign-in runs against the local
// fake Discord; with keys it is neither started nor reachable.
let fakeDiscord: { url: string; publicKey: string; close: () => Promise<void> } | null = null;
if (!env.AUTH_DISCORD_ID && env.stage !== "production") {
  const { startFakeDiscord } = await import("../e2e/fakes/discord/server");
  fakeDiscord = await startFakeDiscord({ port: Number(process.env.FAKE_DISCORD_PORT ?? 54330) });
  console.log(`▸ demo mode: fake Discord on ${fakeDiscord.url} (set AUTH_DISCORD_ID/AUTH_DISCORD_SECRET for the real one)`);
}

const port = process.env.PORT ?? "3000";
let fakeStripe: { url: string; close: () => Promise<void> } | null = null;
// The fake signs its webhooks with a secret made for this run, as `stripe listen` does.
let webhookSecret = env.STRIPE_WEBHOOK_SECRET;
if (!env.STRIPE_SECRET_KEY && env.stage !== "production") {
  const { startFakeStripe } = await import("../e2e/fakes/stripe/server");
  webhookSecret = `whsec_${randomBytes(24).toString("hex")}`;
  fakeStripe = await startFakeStripe({
    port: Number(process.env.FAKE_STRIPE_PORT ?? 54331),
    webhook: { url: `http://localhost:${port}/api/webhooks/stripe`, secret: webhookSecret },
  });
  console.log(`▸ demo mode: fake Stripe on ${fakeStripe.url} (set STRIPE_SECRET_KEY for the real one)`);
}

// The web server gets only the application role's URL, never the owner's.
const childEnv: NodeJS.ProcessEnv = {
  ...process.env,
  APP_DATABASE_URL: database.appUrl,
  AUTH_SECRET: env.AUTH_SECRET ?? (await localAuthSecret()),
  ...(fakeDiscord ? { DISCORD_FAKE_URL: fakeDiscord.url } : {}),
  ...(fakeStripe ? { STRIPE_FAKE_URL: fakeStripe.url } : {}),
  ...(webhookSecret ? { STRIPE_WEBHOOK_SECRET: webhookSecret } : {}),
  ...(fakeDiscord ? { DISCORD_PUBLIC_KEY: fakeDiscord.publicKey } : {}),
  // Jobs (role sync, notifications, schedules) run inside `next dev`; production runs `npm run worker`.
  COMMUNITYOS_IN_PROCESS_WORKER: "1",
};
delete childEnv.DATABASE_URL;
console.log(`▸ starting Next.js on http://localhost:${port}`);
const next = spawn(process.execPath, ["node_modules/next/dist/bin/next", "dev", "--port", port], {
  cwd: PROJECT_ROOT,
  env: childEnv,
  stdio: "inherit",
});

let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  next.kill("SIGTERM");
  await fakeDiscord?.close();
  await fakeStripe?.close();
  await database.embedded?.stop();
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
next.on("exit", (code) => void shutdown(code ?? 0));
