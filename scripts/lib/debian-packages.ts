// Installs Debian packages a test step needs (Chromium for Playwright, PgBouncer), the way
// `npm run db:tools` installs its build tools: with apt-get as root, or through
// sudo when it needs no password. Anywhere else it says exactly what to run.
import { execFileSync, spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { userInfo } from "node:os";

export class MissingPackageError extends Error {
  override name = "MissingPackageError";
}

function canRun(command: string, args: string[]): boolean {
  return spawnSync(command, args, { stdio: "ignore" }).status === 0;
}

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `why`: what needs the packages, as a plural noun phrase ("end-to-end tests …"). */
export function installDebianPackages(packages: string[], why: string): void {
  const root = userInfo().uid === 0;
  const sudo = !root && canRun("sudo", ["-n", "true"]);
  if (!canRun("apt-get", ["--version"]) || (!root && !sudo)) {
    throw new MissingPackageError(
      `The ${why} need the Debian package(s) ${packages.join(", ")}, and this user cannot install them.\n` +
        `Run:  sudo apt-get update && sudo apt-get install -y ${packages.join(" ")}\n` +
        `(or set CHROMIUM_PATH / PGBOUNCER_PATH to ones you have), then run npm test again.`,
    );
  }
  const prefix = sudo ? ["sudo"] : [];
  const run = (args: string[]) => {
    const [command, ...rest] = [...prefix, "apt-get", ...args];
    execFileSync(command!, rest, { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  };
  console.log(`▸ installing ${packages.join(", ")} from Debian for the ${why}`);
  run(["update", "-qq"]);
  run(["install", "-y", "-qq", "--no-install-recommends", ...packages]);
}

/** A Debian tool: its path (an override from the environment, or Debian's), and the package that brings it. */
type Tool = { path: string; overriddenBy: string | null; debianPackage: string };

const tools = {
  chromium: (): Tool => ({
    path: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    overriddenBy: process.env.CHROMIUM_PATH ? "CHROMIUM_PATH" : null,
    debianPackage: "chromium",
  }),
  pgbouncer: (): Tool => ({
    path: process.env.PGBOUNCER_PATH ?? "/usr/sbin/pgbouncer",
    overriddenBy: process.env.PGBOUNCER_PATH ? "PGBOUNCER_PATH" : null,
    debianPackage: "pgbouncer",
  }),
};

/** The tools' paths, those missing installed from Debian in one go (an override that is missing is an error). */
export function ensureDebianTools<K extends keyof typeof tools>(names: K[], why: string): Record<K, string> {
  const wanted = names.map((name) => [name, tools[name]()] as const);
  for (const [, tool] of wanted) {
    if (tool.overriddenBy && !isExecutable(tool.path)) throw new MissingPackageError(`${tool.overriddenBy}=${tool.path} is not an executable.`);
  }
  const missing = wanted.filter(([, tool]) => !isExecutable(tool.path)).map(([, tool]) => tool.debianPackage);
  if (missing.length) installDebianPackages(missing, why);
  for (const [, tool] of wanted) {
    if (!isExecutable(tool.path)) throw new MissingPackageError(`apt-get installed ${tool.debianPackage}, but ${tool.path} is still missing.`);
  }
  return Object.fromEntries(wanted.map(([name, tool]) => [name, tool.path])) as Record<K, string>;
}

/** Debian's Chromium for the Playwright tests: CHROMIUM_PATH, or /usr/bin/chromium (installed when missing). */
export function ensureChromium(): string {
  return ensureDebianTools(["chromium"], "end-to-end tests (Playwright drives Chromium)").chromium;
}
