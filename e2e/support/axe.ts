import { createRequire } from "node:module";
import { expect, type Page } from "@playwright/test";

const axeScript = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

type Violation = { id: string; impact: string | null; help: string; nodes: { target: string[] }[] };

/**
 * axe-core's checks (WCAG 2.1 A and AA, and its best practices) on the page as
 * it is now: every violation fails, listed with the elements it found.
 */
export async function expectAccessible(page: Page, label: string) {
  await page.waitForLoadState("networkidle");
  await page.addScriptTag({ path: axeScript });
  const violations = await page.evaluate(async () => {
    const { axe } = window as unknown as { axe: { run: (context: Document) => Promise<{ violations: Violation[] }> } };
    return (await axe.run(document)).violations;
  });
  const found = violations.map((v) => `${v.impact ?? "?"} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(found, `axe on ${label}`).toEqual([]);
}
