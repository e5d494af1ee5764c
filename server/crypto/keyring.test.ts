import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createKeyring, DecryptionError, loadKeyring } from "./keyring.ts";

const k = (id: string) => ({ id, key: randomBytes(32) });

describe("keyring", () => {
  it("seals so that the stored bytes are not the plaintext, and opens again", () => {
    const ring = createKeyring([k("a")]);
    const sealed = ring.seal("hello coach");
    expect(sealed.includes(Buffer.from("hello coach"))).toBe(false);
    expect(ring.open(sealed).toString()).toBe("hello coach");
    expect(ring.keyIdOf(sealed)).toBe("a");
  });

  it("binds the context: a value moved to another record does not open", () => {
    const ring = createKeyring([k("a")]);
    const sealed = ring.seal("x", "thread-1");
    expect(ring.open(sealed, "thread-1").toString()).toBe("x");
    expect(() => ring.open(sealed, "thread-2")).toThrow(DecryptionError);
  });

  it("detects tampering", () => {
    const ring = createKeyring([k("a")]);
    const sealed = ring.seal("amount 100");
    sealed[sealed.length - 1]! ^= 1;
    expect(() => ring.open(sealed)).toThrow(/authentication/);
  });

  it("rotates: old values still open after a new key is put first, and reencrypt moves them", () => {
    const old = k("old");
    const before = createKeyring([old]);
    const sealed = before.seal("kept");
    const after = createKeyring([k("new"), old]);
    expect(after.open(sealed).toString()).toBe("kept");
    const moved = after.reencrypt(sealed);
    expect(after.keyIdOf(moved)).toBe("new");
    expect(after.open(moved).toString()).toBe("kept");
    expect(() => createKeyring([k("new")]).open(sealed)).toThrow(/no key "old"/);
  });

  it("generates and keeps a local key when none is configured", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "tandem-keyring-"));
    const first = loadKeyring({ DATA_DIR: dir });
    const second = loadKeyring({ DATA_DIR: dir });
    expect(second.openText(first.sealText("same key"))).toBe("same key");
    const file = path.join(dir, "encryption.key");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8")).toMatch(/^local:/);
  });
});
