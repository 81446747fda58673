// Installs Debian packages a test step needs (Chromium for Playwright), the way
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
        `(or set CHROMIUM_PATH to a Chromium you have), then run npm test again.`,
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

/** Debian's Chromium for the Playwright tests: CHROMIUM_PATH, or /usr/bin/chromium (installed when missing). */
export function ensureChromium(): string {
  const path = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (isExecutable(path)) return path;
  if (process.env.CHROMIUM_PATH) throw new MissingPackageError(`CHROMIUM_PATH=${path} is not an executable Chromium.`);
  installDebianPackages(["chromium"], "end-to-end tests (Playwright drives Chromium)");
  if (!isExecutable(path)) throw new MissingPackageError(`apt-get installed chromium, but ${path} is still missing.`);
  return path;
}
