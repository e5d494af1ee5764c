import { describe, expect, it } from "vitest";
import { AppError } from "@server/errors";
import { assertCoachTransition, canTransition } from "./status";

const all = ["PENDING", "APPROVED", "REJECTED", "SUSPENDED"] as const;
const legal = new Set([
  "PENDING>APPROVED",
  "PENDING>REJECTED",
  "APPROVED>SUSPENDED",
  "SUSPENDED>APPROVED",
  "REJECTED>PENDING",
]);

describe("coach status machine", () => {
  for (const from of all) {
    for (const to of all) {
      const ok = legal.has(`${from}>${to}`);
      it(`${from} → ${to} is ${ok ? "allowed" : "refused"}`, () => {
        expect(canTransition(from, to)).toBe(ok);
        if (ok) expect(() => assertCoachTransition(from, to)).not.toThrow();
        else expect(() => assertCoachTransition(from, to)).toThrow(AppError);
      });
    }
  }
});
