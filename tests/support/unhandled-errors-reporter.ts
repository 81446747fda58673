import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Reporter } from "vitest/node";

/**
 * Vitest prints errors thrown outside any test ("Unhandled Errors": an EventEmitter
 * "error" with no listener, a rejected promise nobody awaited) but exits 0 here
 * all the same. This reporter writes how many there were, and `npm test` fails on any.
 */
export default class UnhandledErrorsReporter implements Reporter {
  private readonly file = "test-results/vitest-unhandled.json";

  onTestRunEnd(_modules: unknown, unhandledErrors: ReadonlyArray<unknown>) {
    const messages = unhandledErrors.map((e) => (e instanceof Error ? e.message : String((e as { message?: unknown })?.message ?? e)));
    mkdirSync(path.dirname(this.file), { recursive: true });
    writeFileSync(this.file, JSON.stringify({ count: messages.length, messages }));
  }
}
