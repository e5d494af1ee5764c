/**
 * `npm run audit:access`: runs the consent matrix (tests/integration/consent-matrix.test.ts)
 * against a fresh database (DATABASE_URL's server, or an embedded PostgreSQL) and prints one JSON
 * line: {"procedures":N,"cases":N,"leaks":0,"unaudited_reads":0}. Exits 1 on any leak, unaudited
 * read or other wrong cell.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const dir = mkdtempSync(path.join(os.tmpdir(), "tandem-audit-"));
const out = path.join(dir, "result.json");
const run = spawnSync(
  "npx",
  ["vitest", "run", "--project", "unit", "tests/integration/consent-matrix.test.ts", "--reporter=dot"],
  { env: { ...process.env, AUDIT_ACCESS_OUT: out }, encoding: "utf8" },
);
let summary: { procedures: number; cases: number; leaks: number; unaudited_reads: number; failures: number };
try {
  summary = JSON.parse(readFileSync(out, "utf8"));
} catch {
  process.stderr.write(run.stdout + run.stderr);
  process.stderr.write("audit:access: the consent matrix did not run (see the output above)\n");
  process.exit(1);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const { failures, ...line } = summary;
console.log(JSON.stringify(line));
if (run.status !== 0 || failures > 0 || line.leaks > 0 || line.unaudited_reads > 0) {
  process.stderr.write(run.stdout + run.stderr);
  process.exit(1);
}
