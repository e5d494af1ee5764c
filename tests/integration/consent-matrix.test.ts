import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENT_DATA_PROCEDURES } from "@server/policies/client-data.ts";
import { appRouter } from "@server/trpc/root.ts";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { MATRIX_CASES, type MatrixResult, runConsentMatrix, unclassifiedProcedures } from "./consent-matrix.ts";

/**
 * Consent over client data, exhaustively: every procedure returning a client's journal, goals or
 * task logs × consent state × role. Fails when such a procedure has no case, and when any
 * procedure of the router is classified neither as client data nor as not. `npm run
 * audit:access` runs this file and prints its summary line.
 */
let app: TestApp;
let result: MatrixResult;

beforeAll(async () => {
  app = await createTestApp();
  result = await runConsentMatrix(app);
  const out = process.env.AUDIT_ACCESS_OUT;
  if (out) {
    const { failures: _failures, ...summary } = result;
    writeFileSync(out, JSON.stringify({ ...summary, failures: result.failures.length }) + "\n");
  }
}, 120_000);
afterAll(() => app?.close());

describe("consent matrix", () => {
  it("classifies every procedure of the router and has a case for each that returns client data", () => {
    expect(unclassifiedProcedures()).toEqual([]);
    for (const p of Object.keys(CLIENT_DATA_PROCEDURES)) {
      expect(p in appRouter._def.procedures, `${p} is in the registry but not in the router`).toBe(true);
      expect(MATRIX_CASES[p], `${p} returns client data but has no consent case`).toBeDefined();
    }
  });

  it("shows data only to the client and their consented coach, with one access-log row per coach read", () => {
    expect(result.failures).toEqual([]);
    expect(result.leaks).toBe(0);
    expect(result.unaudited_reads).toBe(0);
    expect(result.cases).toBe(Object.keys(CLIENT_DATA_PROCEDURES).length * 4 * 6);
  });
});
