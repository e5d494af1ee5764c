import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";

/** The browser bundle must never carry server code (ADR 004): database, hashing, time-zone engine, validation internals. */
const ROOT = path.resolve(import.meta.dirname, "../../public/build");
const FORBIDDEN = ["PrismaClient", "argon2", "IANAZone", "pg-boss", "schema_engine", "ZodError"];

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : Promise.resolve([path.join(dir, e.name)]))),
  );
  return nested.flat().filter((f) => f.endsWith(".js"));
}

describe("browser bundle", () => {
  it("contains no server-only code, and no route chunk is oversized", async () => {
    const all = await files(ROOT);
    expect(all.length).toBeGreaterThan(10);
    const offenders: string[] = [];
    for (const file of all) {
      const text = await readFile(file, "utf8");
      for (const marker of FORBIDDEN)
        if (text.includes(marker)) offenders.push(`${path.relative(ROOT, file)}: ${marker}`);
      if (file.includes(`${path.sep}routes${path.sep}`) && (await stat(file)).size > 100_000)
        offenders.push(`${path.relative(ROOT, file)}: ${(await stat(file)).size} bytes`);
    }
    expect(offenders).toEqual([]);
  });
});
