import { describe, expect, it } from "vitest";
import { isCrossSiteMutation, originAllowed } from "./origin";

describe("origin check", () => {
  it("allows same-host origins and refuses others", () => {
    expect(originAllowed(undefined, "http://localhost:3000", "localhost:3000")).toBe(true);
    expect(originAllowed(undefined, "http://evil.test", "localhost:3000")).toBe(false);
    expect(originAllowed(undefined, "null", "localhost:3000")).toBe(false);
    expect(originAllowed("https://app.tandem.test", "https://app.tandem.test", "internal:3000")).toBe(true);
    expect(originAllowed("https://app.tandem.test", "http://app.tandem.test", "app.tandem.test")).toBe(false);
  });

  it("checks only state-changing requests, and never signed webhooks", () => {
    const h = { host: "localhost:3000", origin: "http://evil.test" };
    expect(isCrossSiteMutation(undefined, { method: "GET", path: "/", headers: h })).toBe(false);
    expect(isCrossSiteMutation(undefined, { method: "POST", path: "/login", headers: h })).toBe(true);
    expect(isCrossSiteMutation(undefined, { method: "POST", path: "/webhooks/stripe", headers: h })).toBe(false);
    expect(
      isCrossSiteMutation(undefined, {
        method: "POST",
        path: "/login",
        headers: { host: "localhost:3000", "sec-fetch-site": "cross-site" },
      }),
    ).toBe(true);
    expect(
      isCrossSiteMutation(undefined, {
        method: "POST",
        path: "/login",
        headers: { host: "localhost:3000", origin: "http://localhost:3000" },
      }),
    ).toBe(false);
  });
});
