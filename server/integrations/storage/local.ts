import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { assertSafeKey, readAll, StorageKeyError, type Storage, type StoredObject } from "./types.ts";

const META_DIR = ".meta";
const TMP_DIR = ".tmp";

interface Meta {
  contentType: string;
}

/**
 * Files on the local disk (the default: `DATA_DIR/uploads`). The object at key `a/b.webp` is the
 * file `<root>/a/b.webp`; its content type is kept in `<root>/.meta/a/b.webp.json`. Keys can never
 * name those folders (a key segment cannot start with "."). Writes go to a temporary file first
 * and are renamed into place, so a reader never sees half a file.
 */
export class LocalDiskStorage implements Storage {
  readonly kind = "local" as const;
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /** The absolute file path for a key, refusing anything that would leave the root. */
  private resolve(key: string, under = ""): string {
    assertSafeKey(key);
    const base = under ? path.join(this.root, under) : this.root;
    const full = path.resolve(base, key);
    const relative = path.relative(base, full);
    if (!relative || relative.startsWith("..") || path.isAbsolute(relative)) {
      throw new StorageKeyError(`Unsafe storage key ${JSON.stringify(key)}.`);
    }
    return full;
  }

  private async writeAtomically(file: string, data: Uint8Array | string): Promise<void> {
    const tmpDir = path.join(this.root, TMP_DIR);
    await mkdir(tmpDir, { recursive: true });
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = path.join(tmpDir, `${randomBytes(8).toString("hex")}.part`);
    try {
      await writeFile(tmp, data, { mode: 0o640 });
      await rename(tmp, file);
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
  }

  async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    const file = this.resolve(key);
    const metaFile = `${this.resolve(key, META_DIR)}.json`;
    const meta: Meta = { contentType };
    await this.writeAtomically(metaFile, JSON.stringify(meta));
    await this.writeAtomically(file, bytes);
  }

  async get(key: string): Promise<StoredObject | null> {
    const file = this.resolve(key);
    let size: number;
    try {
      const info = await stat(file);
      if (!info.isFile()) return null;
      size = info.size;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
    let contentType = "application/octet-stream";
    try {
      const meta = JSON.parse(await readFile(`${this.resolve(key, META_DIR)}.json`, "utf8")) as Partial<Meta>;
      if (typeof meta.contentType === "string") contentType = meta.contentType;
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
    const stream = createReadStream(file);
    return { contentType, size, stream, bytes: () => readAll(stream) };
  }

  async delete(key: string): Promise<void> {
    const file = this.resolve(key);
    await rm(file, { force: true });
    await rm(`${this.resolve(key, META_DIR)}.json`, { force: true });
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}
