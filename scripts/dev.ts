// npm run dev — the whole app on one command: a database (embedded unless
// DATABASE_URL is set), migrations, demo data once, then `next dev`.
import { spawn } from "node:child_process";
import { ConfigError, parseServerEnv } from "../lib/env";
import { PROJECT_ROOT, prepareDevDatabase } from "./lib/database-setup";

process.env.NEXT_TELEMETRY_DISABLED = "1";

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

// The web server gets only the application role's URL, never the owner's.
const childEnv: NodeJS.ProcessEnv = { ...process.env, APP_DATABASE_URL: database.appUrl };
delete childEnv.DATABASE_URL;
const port = process.env.PORT ?? "3000";
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
  await database.embedded?.stop();
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
next.on("exit", (code) => void shutdown(code ?? 0));
