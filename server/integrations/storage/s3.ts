import { Readable } from "node:stream";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { assertSafeKey, readAll, type Storage, type StoredObject } from "./types.ts";

export interface S3StorageOptions {
  bucket: string;
  /** Default us-east-1 (most S3-compatible services accept any region). */
  region?: string;
  /** For S3-compatible services (MinIO, R2, …): their base URL. Unset: AWS. */
  endpoint?: string;
  /** Without keys, the SDK's default credential chain is used (environment, instance role, …). */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** `https://endpoint/bucket/key` instead of `https://bucket.endpoint/key` (MinIO needs it). */
  forcePathStyle?: boolean;
  /** Optional key prefix inside the bucket, e.g. `tandem/`. */
  prefix?: string;
}

/** Objects in an S3-compatible bucket (`S3_BUCKET` set), through the official AWS SDK v3. */
export class S3Storage implements Storage {
  readonly kind = "s3" as const;
  readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(options: S3StorageOptions) {
    this.bucket = options.bucket;
    this.prefix = options.prefix ?? "";
    this.client = new S3Client({
      region: options.region ?? "us-east-1",
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      forcePathStyle: options.forcePathStyle ?? false,
      ...(options.accessKeyId && options.secretAccessKey
        ? { credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey } }
        : {}),
    });
  }

  private objectKey(key: string): string {
    assertSafeKey(key);
    return `${this.prefix}${key}`;
  }

  async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.objectKey(key),
        Body: bytes,
        ContentType: contentType,
        ContentLength: bytes.byteLength,
      }),
    );
  }

  async get(key: string): Promise<StoredObject | null> {
    let output;
    try {
      output = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
    const body = output.Body;
    if (!(body instanceof Readable)) throw new Error(`S3 returned no readable body for ${key}`);
    return {
      contentType: output.ContentType ?? "application/octet-stream",
      size: output.ContentLength ?? 0,
      stream: body,
      bytes: () => readAll(body),
    };
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  /** Closes the SDK's sockets. */
  destroy(): void {
    this.client.destroy();
  }
}

function isNotFound(error: unknown): boolean {
  if (error instanceof S3ServiceException) {
    return error.name === "NoSuchKey" || error.name === "NotFound" || error.$metadata.httpStatusCode === 404;
  }
  return false;
}
