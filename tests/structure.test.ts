// The layers of docs/architecture.md, checked on every import in lib/: nothing
// below the action chain imports it or app/, the worker's task table is
// imported by no domain, and enqueueing jobs depends on nothing above the database.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (name === "generated") return [];
    return statSync(full).isDirectory() ? files(full) : /\.tsx?$/.test(name) ? [full] : [];
  });
}

/** Each file's imports, resolved to paths relative to the repository. */
function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:from|import\()\s*"([^"]+)"/g)]
    .map((m) => m[1]!)
    .filter((spec) => spec.startsWith(".") || spec.startsWith("@/"))
    .map((spec) => (spec.startsWith("@/") ? spec.slice(2) : path.relative(root, path.resolve(path.dirname(file), spec))));
}

const lib = files(path.join(root, "lib")).map((file) => ({ file: path.relative(root, file), deps: imports(file) }));

describe("layers", () => {
  it("no page, action or route handler under app/ queries the database itself", () => {
    const prismaCall = /\b(?:tx|db)\.(?:\$queryRaw|\$executeRaw|[a-zA-Z]+\.(?:find\w*|count|create\w*|update\w*|delete\w*|upsert|aggregate|groupBy))\b/;
    const inline = files(path.join(root, "app"))
      .filter((file) => prismaCall.test(readFileSync(file, "utf8")))
      .map((file) => path.relative(root, file));
    expect(inline).toEqual([]);
  });

  it("no file in lib/ imports the action chain or app/", () => {
    const upward = lib
      .filter((f) => !f.file.startsWith("lib/actions/"))
      .flatMap((f) => f.deps.filter((d) => d.startsWith("lib/actions") || d.startsWith("app/")).map((d) => `${f.file} -> ${d}`));
    expect(upward).toEqual([]);
  });

  it("no domain imports the worker's task table", () => {
    const upward = lib
      .filter((f) => !f.file.startsWith("lib/worker/"))
      .flatMap((f) => f.deps.filter((d) => d.startsWith("lib/worker")).map((d) => `${f.file} -> ${d}`));
    expect(upward).toEqual([]);
  });

  it("enqueueing a job and lib/core depend on nothing above the database", () => {
    const low = lib.filter((f) => f.file === "lib/jobs/enqueue.ts" || f.file.startsWith("lib/core/"));
    expect(low.length).toBeGreaterThan(1);
    const upward = low.flatMap((f) =>
      f.deps.filter((d) => !d.startsWith("lib/db") && !d.startsWith("lib/generated") && !d.startsWith("lib/core")).map((d) => `${f.file} -> ${d}`),
    );
    expect(upward).toEqual([]);
  });

  it("billing's rules do not import from the webhook route's folder", () => {
    const upward = lib
      .filter((f) => f.file.startsWith("lib/billing/") && !f.file.startsWith("lib/billing/webhooks/"))
      .flatMap((f) => f.deps.filter((d) => d.startsWith("lib/billing/webhooks")).map((d) => `${f.file} -> ${d}`));
    expect(upward).toEqual([]);
  });
});
