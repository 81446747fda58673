// `next start` for the benches: built from the current code, run as `npm start` runs it.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { PROJECT_ROOT } from "../lib/database-setup";

export function runNode(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, args, { cwd: PROJECT_ROOT, env: { ...process.env, ...env, NEXT_TELEMETRY_DISABLED: "1" }, stdio: ["ignore", "pipe", "pipe"] });
}

export async function waitFor(url: string, timeoutMs: number) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const up = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not come up`);
}

/** Always the current code: a build left over from an earlier change would measure that one. */
export async function buildNext(): Promise<void> {
  console.log("(next build)");
  const build = runNode(["node_modules/next/dist/bin/next", "build"], {});
  const code = await new Promise<number>((resolve) => build.on("exit", (c) => resolve(c ?? 1)));
  if (code !== 0) throw new Error("next build failed");
}

export type NextServer = { url: string; pid: number; log: () => string; stop: () => Promise<void> };

/**
 * `next start` as `npm start` runs it (its node flags: a heap cap that keeps RSS
 * bounded), without npm's own process in the measured tree, answering once its
 * health check does.
 */
export async function startNext(env: Record<string, string>, nodeFlags: string[] = []): Promise<NextServer> {
  const port = 3200 + Math.floor(Math.random() * 2000);
  const [node, ...startArgs] = (JSON.parse(readFileSync(`${PROJECT_ROOT}/package.json`, "utf8")) as { scripts: { start: string } }).scripts.start.split(/\s+/);
  if (node !== "node") throw new Error("package.json's start script should run node directly");
  const server = runNode([...nodeFlags, ...startArgs, "--port", String(port)], {
    NODE_ENV: "production",
    COMMUNITYOS_ENV: "test",
    AUTH_URL: `http://localhost:${port}`,
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    ...env,
  });
  let log = "";
  server.stderr!.on("data", (chunk) => (log += chunk));
  const exited = new Promise((resolve) => server.once("exit", resolve));
  const url = `http://localhost:${port}`;
  const stop = async () => {
    server.kill("SIGTERM");
    await exited;
  };
  try {
    await waitFor(`${url}/api/health`, 60_000);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${log}`);
  }
  return { url, pid: server.pid!, log: () => log, stop };
}
