import { createRequire } from "node:module";
import { expect, type Page } from "@playwright/test";

const axeScript = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

// The rules of these tags, the experimental ones included (e.g. a visible label that is not in the accessible name).
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];

type Violation = { id: string; impact: string | null; help: string; nodes: { target: string[] }[] };

/**
 * axe-core's checks (WCAG 2.1 A and AA, and its best practices) on the page as
 * it is now: every violation fails, listed with the elements it found.
 */
export async function expectAccessible(page: Page, label: string) {
  await page.waitForLoadState("networkidle");
  await page.addScriptTag({ path: axeScript });
  const violations = await page.evaluate(async (tags) => {
    type Axe = { run: (context: Document, options: object) => Promise<{ violations: Violation[] }> };
    const { axe } = window as unknown as { axe: Axe };
    return (await axe.run(document, { runOnly: { type: "tag", values: tags } })).violations;
  }, AXE_TAGS);
  const found = violations.map((v) => `${v.impact ?? "?"} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(found, `axe on ${label}`).toEqual([]);
}
