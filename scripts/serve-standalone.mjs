// Serves a standalone build (NEXT_OUTPUT=standalone next build) as the container
// image does: the static assets beside server.js, then `node server.js`. The
// end-to-end suite runs against it, so it tests what ships.
import { cpSync, existsSync } from "node:fs";
import { spawn } from "node:child_process";
import path from "node:path";

const dist = process.env.NEXT_DIST_DIR || ".next";
const standalone = path.join(dist, "standalone");
if (!existsSync(path.join(standalone, "server.js"))) {
  console.error(`No standalone build in ${standalone}: build with NEXT_OUTPUT=standalone first.`);
  process.exit(1);
}
cpSync(path.join(dist, "static"), path.join(standalone, dist, "static"), { recursive: true });
if (existsSync("public")) cpSync("public", path.join(standalone, "public"), { recursive: true });

const server = spawn(process.execPath, ["server.js"], {
  cwd: standalone,
  stdio: "inherit",
  env: { ...process.env, HOSTNAME: process.env.HOSTNAME_BIND ?? "127.0.0.1" },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
