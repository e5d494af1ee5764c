import { describe, expect, it } from "vitest";
import { parseMajorToMinor, parsePercentToBps } from "./money";

describe("money input", () => {
  it("parses major units exactly into minor units", () => {
    expect(parseMajorToMinor("12")).toBe(1200);
    expect(parseMajorToMinor("12.5")).toBe(1250);
    expect(parseMajorToMinor("0,07")).toBe(7);
    expect(parseMajorToMinor("19.99")).toBe(1999);
    expect(parseMajorToMinor("1.999")).toBeNull();
    expect(parseMajorToMinor("-3")).toBeNull();
    expect(parseMajorToMinor("abc")).toBeNull();
  });
  it("parses percentages into basis points", () => {
    expect(parsePercentToBps("15")).toBe(1500);
    expect(parsePercentToBps("12.5")).toBe(1250);
    expect(parsePercentToBps("0.01")).toBe(1);
    expect(parsePercentToBps("15%")).toBeNull();
  });
});
