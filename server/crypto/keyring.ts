import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * Encryption at rest with AES-256-GCM under a ring of named keys. The first key encrypts; every
 * key decrypts, so a key is rotated by putting a new one first and keeping the old ones until
 * their data is gone or re-encrypted (`reencrypt`). Each sealed value carries the id of its key.
 *
 * Sealed layout (bytes): version (1) | key id length (1) | key id | IV (12) | tag (16) | ciphertext.
 * The optional `context` is authenticated but not stored (for example a thread id), so a value
 * copied into another row does not decrypt.
 */
export interface Keyring {
  readonly currentKeyId: string;
  seal(plaintext: Buffer | string, context?: string): Buffer;
  open(sealed: Uint8Array, context?: string): Buffer;
  /** `seal` as base64 text, for text columns. */
  sealText(plaintext: string, context?: string): string;
  openText(sealed: string, context?: string): string;
  /** The id of the key that sealed this value. */
  keyIdOf(sealed: Uint8Array): string;
  /** Seals again under the current key (rotation); returns the input when already current. */
  reencrypt(sealed: Uint8Array, context?: string): Buffer;
}

export class DecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DecryptionError";
  }
}

const VERSION = 1;

export function createKeyring(keys: { id: string; key: Buffer }[]): Keyring {
  if (keys.length === 0) throw new Error("a keyring needs at least one key");
  for (const k of keys) {
    if (k.key.length !== 32) throw new Error(`key ${k.id} must be 32 bytes`);
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(k.id)) throw new Error(`key id ${k.id} must be 1–32 letters, digits, _ or -`);
  }
  const byId = new Map(keys.map((k) => [k.id, k.key]));
  const current = keys[0]!;

  function parse(sealed: Uint8Array) {
    const buf = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
    if (buf.length < 2 || buf[0] !== VERSION) throw new DecryptionError("unknown sealed format");
    const idLength = buf[1]!;
    const headerEnd = 2 + idLength;
    if (buf.length < headerEnd + 28) throw new DecryptionError("sealed value is truncated");
    const keyId = buf.subarray(2, headerEnd).toString("ascii");
    return {
      keyId,
      iv: buf.subarray(headerEnd, headerEnd + 12),
      tag: buf.subarray(headerEnd + 12, headerEnd + 28),
      body: buf.subarray(headerEnd + 28),
    };
  }

  const ring: Keyring = {
    currentKeyId: current.id,
    seal(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", current.key, iv);
      if (context !== undefined) cipher.setAAD(Buffer.from(context, "utf8"));
      const body = Buffer.concat([
        cipher.update(typeof plaintext === "string" ? Buffer.from(plaintext, "utf8") : plaintext),
        cipher.final(),
      ]);
      const id = Buffer.from(current.id, "ascii");
      return Buffer.concat([Buffer.from([VERSION, id.length]), id, iv, cipher.getAuthTag(), body]);
    },
    open(sealed, context) {
      const { keyId, iv, tag, body } = parse(sealed);
      const key = byId.get(keyId);
      if (!key)
        throw new DecryptionError(
          `no key "${keyId}" in ENCRYPTION_KEYS (was it removed before its data was re-encrypted?)`,
        );
      const decipher = createDecipheriv("aes-256-gcm", key, iv);
      if (context !== undefined) decipher.setAAD(Buffer.from(context, "utf8"));
      decipher.setAuthTag(tag);
      try {
        return Buffer.concat([decipher.update(body), decipher.final()]);
      } catch {
        throw new DecryptionError("sealed value failed authentication (tampered, or sealed for another record)");
      }
    },
    sealText: (plaintext, context) => ring.seal(plaintext, context).toString("base64"),
    openText: (sealed, context) => ring.open(Buffer.from(sealed, "base64"), context).toString("utf8"),
    keyIdOf: (sealed) => parse(sealed).keyId,
    reencrypt(sealed, context) {
      if (parse(sealed).keyId === current.id) return Buffer.from(sealed);
      return ring.seal(ring.open(sealed, context), context);
    },
  };
  return ring;
}

/**
 * The process keyring: ENCRYPTION_KEYS when configured, otherwise one key generated on first
 * use and kept (mode 0600) in DATA_DIR/encryption.key, so a laptop install needs no setup.
 */
export function loadKeyring(env: { ENCRYPTION_KEYS?: { id: string; key: Buffer }[]; DATA_DIR: string }): Keyring {
  if (env.ENCRYPTION_KEYS?.length) return createKeyring(env.ENCRYPTION_KEYS);
  const file = path.resolve(env.DATA_DIR, "encryption.key");
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    try {
      writeFileSync(file, `local:${randomBytes(32).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
      chmodSync(file, 0o600);
    } catch (error) {
      // Another process sharing DATA_DIR wrote it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  const text = readFileSync(file, "utf8").trim();
  const match = /^([A-Za-z0-9_-]{1,32}):([A-Za-z0-9+/=]+)$/.exec(text);
  if (!match)
    throw new Error(`${file} is not a key (expected id:base64key); delete it only if nothing was encrypted with it`);
  return createKeyring([{ id: match[1]!, key: Buffer.from(match[2]!, "base64") }]);
}
