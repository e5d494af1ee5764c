import type { Readable } from "node:stream";

/**
 * Where uploaded files live (photos, credential documents). Two implementations:
 * `LocalDiskStorage` under `DATA_DIR/uploads` (nothing configured) and `S3Storage` for an
 * S3-compatible bucket (`S3_BUCKET` set). `createStorage(env)` picks one.
 *
 * Keys are relative paths of safe segments (`coaches/c1/avatar.webp`); see `assertSafeKey`.
 */
export interface Storage {
  /** Which implementation this is, for logs and health output. */
  readonly kind: "local" | "s3";
  /** Stores (or replaces) the object at `key`. */
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** The object at `key`, or null when there is none. */
  get(key: string): Promise<StoredObject | null>;
  /** Removes the object at `key`; removing a missing object is not an error. */
  delete(key: string): Promise<void>;
}

export interface StoredObject {
  contentType: string;
  /** Size in bytes. */
  size: number;
  /** The content as a stream (e.g. to pipe into an HTTP response). Read it at most once. */
  stream: Readable;
  /** Reads the whole content (consumes `stream`). */
  bytes(): Promise<Buffer>;
}

export class StorageKeyError extends Error {
  override name = "StorageKeyError";
}

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const MAX_KEY_LENGTH = 512;

/**
 * A key is one or more `/`-separated segments of letters, digits, `.`, `_` and `-`, each starting
 * with a letter or digit. So no absolute paths, no `..` or `.` segments, no backslashes, no empty
 * segments, no hidden files and nothing that a file system or URL would interpret.
 */
export function assertSafeKey(key: string): void {
  if (typeof key !== "string" || key.length === 0) throw new StorageKeyError("A storage key must not be empty.");
  if (key.length > MAX_KEY_LENGTH)
    throw new StorageKeyError(`A storage key must be at most ${MAX_KEY_LENGTH} characters long.`);
  for (const segment of key.split("/")) {
    if (!SEGMENT.test(segment) || segment.includes("..")) {
      throw new StorageKeyError(
        `Unsafe storage key ${JSON.stringify(key)}: use "/"-separated names of letters, digits, ".", "_" and "-" (no "..", no leading "/").`,
      );
    }
  }
}

/** Reads a stream to the end. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}
