import path from "node:path";
import type { Env } from "@server/env.ts";
import { LocalDiskStorage } from "./local.ts";
import { S3Storage } from "./s3.ts";
import type { Storage } from "./types.ts";

/**
 * The configured file storage: an S3-compatible bucket when `S3_BUCKET` is set, otherwise the
 * local disk under `DATA_DIR/uploads`.
 */
export function createStorage(
  env: Pick<
    Env,
    | "DATA_DIR"
    | "S3_BUCKET"
    | "S3_REGION"
    | "S3_ENDPOINT"
    | "S3_ACCESS_KEY_ID"
    | "S3_SECRET_ACCESS_KEY"
    | "S3_FORCE_PATH_STYLE"
  >,
): Storage {
  if (env.S3_BUCKET) {
    return new S3Storage({
      bucket: env.S3_BUCKET,
      region: env.S3_REGION,
      endpoint: env.S3_ENDPOINT,
      accessKeyId: env.S3_ACCESS_KEY_ID,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY,
      forcePathStyle: env.S3_FORCE_PATH_STYLE,
    });
  }
  return new LocalDiskStorage(path.join(env.DATA_DIR, "uploads"));
}

export { LocalDiskStorage } from "./local.ts";
export { S3Storage, type S3StorageOptions } from "./s3.ts";
export { assertSafeKey, readAll, StorageKeyError, type Storage, type StoredObject } from "./types.ts";
