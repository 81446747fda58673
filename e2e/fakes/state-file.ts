// The demo's fakes keep their state in a JSON file between runs of `npm run dev`
// (as Stripe and Discord would keep it); tests pass no file and start empty.
import { existsSync, readFileSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";

/** What a previous run saved, or null (no file, or a half-written one from a crash: start over). */
export function readStateFile<T>(file: string | undefined): T | null {
  if (!file || !existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch {
    return null;
  }
}

/**
 * Saves `snapshot()` after changes: one write at a time, coalesced (the last
 * state wins), each through a temporary file so a crash never leaves half a file.
 */
export function stateFileWriter(file: string | undefined, snapshot: () => unknown) {
  let saving: Promise<void> = Promise.resolve();
  let pending = false;
  return {
    persist() {
      if (!file || pending) return;
      pending = true;
      saving = saving.then(async () => {
        pending = false;
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(`${file}.tmp`, JSON.stringify(snapshot()));
        await rename(`${file}.tmp`, file);
      });
    },
    /** Waits for the last write. */
    flushed: () => saving,
  };
}
