import axe from "axe-core";
import type { Page } from "playwright-core";

/** Violations at these impacts fail a test; minor and moderate ones do not. */
const BLOCKING = new Set(["serious", "critical"]);

interface Violation {
  id: string;
  impact?: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/**
 * Runs axe-core on the page as it is now and fails with a readable list when any rule is
 * violated at "serious" or "critical" impact. `label` names the page in the failure message.
 */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe === "object");
  if (!loaded) await page.addScriptTag({ content: axe.source });
  // Measure the page at rest: a button still fading back from its busy colour is not what users read.
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((a) => Number.isFinite(Number(a.effect?.getComputedTiming().endTime)))
        .map((a) => a.finished.catch(() => undefined)),
    ),
  );
  const violations = await page.evaluate(async () => {
    const { axe: injected } = window as unknown as { axe: typeof axe };
    const results = await injected.run(document, { resultTypes: ["violations"] });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target as unknown[] })),
    }));
  });
  const blocking = (violations as Violation[]).filter((v) => BLOCKING.has(v.impact ?? ""));
  if (blocking.length === 0) return;
  const lines = blocking.map((v) => {
    const targets = v.nodes
      .slice(0, 3)
      .map((n) => n.target.map(String).join(" > "))
      .join(" | ");
    const more = v.nodes.length > 3 ? ` (+${v.nodes.length - 3} more)` : "";
    return `- ${v.id} [${v.impact}] ${v.help}: ${targets}${more}`;
  });
  throw new Error(`Accessibility violations on ${label} (${page.url()}):\n${lines.join("\n")}`);
}
