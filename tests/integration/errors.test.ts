import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { constraintOf, isExclusionViolation, isUniqueViolation } from "@server/db/constraint-errors.ts";
import { AppError, describeError, ERROR_MAPPING, socketRefusal } from "@server/errors.ts";
import { createTestApp, type TestApp } from "../helpers/app.ts";

/** The one error mapping and the one constraint-error reader (ADR 017), against real PostgreSQL errors. */
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
  await app.db.$executeRawUnsafe(
    `CREATE TABLE "ErrorProbe" (id int PRIMARY KEY, n int CONSTRAINT "probe_positive" CHECK (n > 0), during tstzrange,
       CONSTRAINT "probe_no_overlap" EXCLUDE USING gist (during WITH &&))`,
  );
});
afterAll(() => app?.close());

const caught = async (work: () => Promise<unknown>) => {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
};

describe("constraintOf", () => {
  it("reads a unique violation from Prisma's client (driver adapter cause)", async () => {
    await app.db.tenant.create({ data: { name: "One", slug: "errors-one" } });
    const error = await caught(() => app.db.tenant.create({ data: { name: "Two", slug: "errors-one" } }));
    expect(constraintOf(error)).toEqual({ kind: "unique", constraint: expect.stringContaining("slug") });
    expect(isUniqueViolation(error)).toBe(true);
    expect(isExclusionViolation(error)).toBe(false);
  });

  it("reads exclusion, check and foreign-key violations from raw queries through Prisma", async () => {
    const range = "[2026-01-01 10:00Z,2026-01-01 11:00Z)";
    await app.db.$executeRawUnsafe(`INSERT INTO "ErrorProbe" VALUES (1, 1, '${range}')`);
    const overlap = await caught(() =>
      app.db.$executeRawUnsafe(`INSERT INTO "ErrorProbe" VALUES (2, 1, '[2026-01-01 10:30Z,2026-01-01 12:00Z)')`),
    );
    expect(constraintOf(overlap)).toEqual({ kind: "exclusion", constraint: "probe_no_overlap" });
    expect(isExclusionViolation(overlap, "probe_no_overlap")).toBe(true);
    const check = await caught(() => app.db.$executeRawUnsafe(`INSERT INTO "ErrorProbe" VALUES (3, -1, NULL)`));
    expect(constraintOf(check)).toEqual({ kind: "check", constraint: "probe_positive" });
    const foreign = await caught(() =>
      app.db.membership.create({
        data: {
          tenantId: "00000000-0000-4000-8000-000000000000",
          userId: "00000000-0000-4000-8000-000000000001",
          role: "CLIENT",
        },
      }),
    );
    expect(constraintOf(foreign)?.kind).toBe("foreign-key");
  });

  it("reads raw pg errors, and says null for anything else", async () => {
    const client = new pg.Client({ connectionString: app.databaseUrl });
    await client.connect();
    try {
      const schema = (await app.db.$queryRawUnsafe<{ s: string }[]>("SELECT current_schema() AS s"))[0]!.s;
      const error = await caught(() => client.query(`INSERT INTO "${schema}"."ErrorProbe" VALUES (1, 1, NULL)`));
      expect(constraintOf(error)).toEqual({ kind: "unique", constraint: "ErrorProbe_pkey" });
    } finally {
      await client.end();
    }
    expect(constraintOf(new Error("something else"))).toBeNull();
    expect(constraintOf(null)).toBeNull();
    expect(constraintOf(new AppError("CONFLICT", "Taken."))).toBeNull();
  });
});

describe("the error mapping", () => {
  it("gives every AppError code one HTTP status, tRPC code and socket ack", () => {
    expect(Object.fromEntries(Object.entries(ERROR_MAPPING).map(([k, v]) => [k, v.http]))).toEqual({
      BAD_REQUEST: 400,
      UNAUTHORIZED: 401,
      FORBIDDEN: 403,
      NOT_FOUND: 404,
      CONFLICT: 409,
      PRECONDITION_FAILED: 412,
      TOO_MANY_REQUESTS: 429,
    });
    expect(socketRefusal(new AppError("UNAUTHORIZED", "No."))).toEqual({
      ok: false,
      error: { code: "FORBIDDEN", message: "No." },
    });
    expect(socketRefusal(new AppError("BAD_REQUEST", "Fix it.", { text: ["Too long."] }))).toEqual({
      ok: false,
      error: { code: "BAD_REQUEST", message: "Fix it.", fieldErrors: { text: ["Too long."] } },
    });
    expect(socketRefusal(new Error("bug"))).toBeNull();
  });

  it("reads service errors from another copy of the module (duck-typed) and tRPC errors from a caller", async () => {
    const foreign = Object.assign(new Error("Gone."), { name: "AppError", code: "NOT_FOUND" });
    expect(describeError(foreign)).toMatchObject({ code: "NOT_FOUND", status: 404, message: "Gone." });
    const { api } = await app.as();
    const error = await caught(() => api.tenant.current());
    expect(describeError(error)).toMatchObject({ code: "UNAUTHORIZED", status: 401 });
    expect(describeError(new TypeError("bug"))).toBeNull();
  });
});
