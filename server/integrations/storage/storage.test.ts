import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStorage, LocalDiskStorage, S3Storage, StorageKeyError, type Storage } from "./index.ts";

/**
 * A tiny S3 stand-in: path-style PutObject / GetObject / DeleteObject on one bucket, in memory.
 * It checks that each request is SigV4-signed with the expected access key; the real SDK drives it.
 */
function fakeS3(options: { bucket: string; accessKeyId: string }) {
  const objects = new Map<string, { body: Buffer; contentType: string }>();
  const requests: { method: string; url: string }[] = [];
  const xmlError = (res: http.ServerResponse, status: number, code: string, message: string) => {
    res.writeHead(status, { "content-type": "application/xml" });
    res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`);
  };
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? "/", "http://fake-s3");
    requests.push({ method: req.method ?? "", url: url.pathname });
    const auth = req.headers.authorization ?? "";
    if (!auth.startsWith("AWS4-HMAC-SHA256 ") || !auth.includes(`Credential=${options.accessKeyId}/`)) {
      return xmlError(res, 403, "AccessDenied", "missing or foreign signature");
    }
    const [, bucket, ...rest] = url.pathname.split("/");
    if (bucket !== options.bucket) return xmlError(res, 404, "NoSuchBucket", "The specified bucket does not exist");
    const key = decodeURIComponent(rest.join("/"));
    if (req.method === "PUT") {
      // The SDK signs the SHA-256 of the body it sends: check it arrived intact.
      if (req.headers["x-amz-content-sha256"] !== createHash("sha256").update(body).digest("hex")) {
        return xmlError(res, 400, "XAmzContentSHA256Mismatch", "body does not match its signed hash");
      }
      objects.set(key, { body, contentType: req.headers["content-type"] ?? "binary/octet-stream" });
      res.writeHead(200, { etag: '"fake"' });
      return res.end();
    }
    if (req.method === "GET") {
      const object = objects.get(key);
      if (!object) return xmlError(res, 404, "NoSuchKey", "The specified key does not exist.");
      res.writeHead(200, {
        "content-type": object.contentType,
        "content-length": String(object.body.length),
        etag: '"fake"',
      });
      return res.end(object.body);
    }
    if (req.method === "DELETE") {
      objects.delete(key);
      res.writeHead(204);
      return res.end();
    }
    return xmlError(res, 405, "MethodNotAllowed", "not supported by the fake");
  });
  return {
    objects,
    requests,
    async listen(): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const png = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");

/** The behaviour both implementations must share. */
function contract(name: string, make: () => Storage) {
  describe(`${name}: the Storage contract`, () => {
    it("stores, reads back and deletes an object with its content type and size", async () => {
      const storage = make();
      await storage.put("coaches/c1/avatar.png", png, "image/png");
      const got = await storage.get("coaches/c1/avatar.png");
      expect(got).not.toBeNull();
      expect(got?.contentType).toBe("image/png");
      expect(got?.size).toBe(png.length);
      expect(Buffer.compare(await got!.bytes(), png)).toBe(0);

      await storage.delete("coaches/c1/avatar.png");
      expect(await storage.get("coaches/c1/avatar.png")).toBeNull();
    });

    it("replaces an object on a second put and streams it", async () => {
      const storage = make();
      await storage.put("docs/cv.pdf", Buffer.from("first"), "application/pdf");
      await storage.put("docs/cv.pdf", Buffer.from("second version"), "text/plain");
      const got = await storage.get("docs/cv.pdf");
      expect(got?.contentType).toBe("text/plain");
      const chunks: Buffer[] = [];
      for await (const chunk of got!.stream) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).toString()).toBe("second version");
    });

    it("answers null for a missing key, and deleting a missing key is fine", async () => {
      const storage = make();
      expect(await storage.get("nothing/here.png")).toBeNull();
      await expect(storage.delete("nothing/here.png")).resolves.toBeUndefined();
    });

    it.each([
      "../escape.txt",
      "a/../../escape.txt",
      "/etc/passwd",
      "a/./b",
      "a//b",
      "a\\..\\b",
      ".hidden",
      "a/..",
      "",
      "a/b/",
      "%2e%2e/x",
      "a b",
    ])("refuses the unsafe key %j", async (key) => {
      const storage = make();
      await expect(storage.put(key, png, "image/png")).rejects.toBeInstanceOf(StorageKeyError);
      await expect(storage.get(key)).rejects.toBeInstanceOf(StorageKeyError);
      await expect(storage.delete(key)).rejects.toBeInstanceOf(StorageKeyError);
    });
  });
}

let tmp: string;
const s3 = fakeS3({ bucket: "tandem-test", accessKeyId: "AKIATEST" });
let s3Endpoint: string;
const s3Clients: S3Storage[] = [];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "tandem-storage-"));
  s3Endpoint = await s3.listen();
});

afterAll(async () => {
  for (const client of s3Clients) client.destroy();
  await s3.close();
  await rm(tmp, { recursive: true, force: true });
});

contract("LocalDiskStorage", () => new LocalDiskStorage(path.join(tmp, "uploads")));
contract("S3Storage", () => {
  const storage = new S3Storage({
    bucket: "tandem-test",
    region: "eu-west-1",
    endpoint: s3Endpoint,
    accessKeyId: "AKIATEST",
    secretAccessKey: "secret",
    forcePathStyle: true,
  });
  s3Clients.push(storage);
  return storage;
});

describe("LocalDiskStorage", () => {
  it("keeps files under its root and writes nothing outside it", async () => {
    const root = path.join(tmp, "contained", "uploads");
    const storage = new LocalDiskStorage(root);
    await storage.put("a/b/c.txt", Buffer.from("hello"), "text/plain");
    expect(existsSync(path.join(root, "a/b/c.txt"))).toBe(true);
    await expect(storage.put("../outside.txt", Buffer.from("x"), "text/plain")).rejects.toThrow(/Unsafe storage key/);
    await expect(storage.put("a/../../outside.txt", Buffer.from("x"), "text/plain")).rejects.toThrow(StorageKeyError);
    expect(await readdir(path.join(tmp, "contained"))).toEqual(["uploads"]);
    // No temporary files are left behind.
    expect(await readdir(path.join(root, ".tmp"))).toEqual([]);
  });
});

describe("S3Storage", () => {
  it("sends signed path-style requests to the configured endpoint", async () => {
    const storage = new S3Storage({
      bucket: "tandem-test",
      endpoint: s3Endpoint,
      accessKeyId: "AKIATEST",
      secretAccessKey: "secret",
      forcePathStyle: true,
      prefix: "tenant-1/",
    });
    s3Clients.push(storage);
    s3.requests.length = 0;
    await storage.put("avatar.webp", png, "image/webp");
    expect(s3.objects.get("tenant-1/avatar.webp")?.contentType).toBe("image/webp");
    expect(Buffer.compare(s3.objects.get("tenant-1/avatar.webp")!.body, png)).toBe(0);
    expect(s3.requests).toEqual([{ method: "PUT", url: "/tandem-test/tenant-1/avatar.webp" }]);
  });

  it("surfaces errors other than a missing key", async () => {
    const storage = new S3Storage({
      bucket: "tandem-test",
      endpoint: s3Endpoint,
      accessKeyId: "SOMEONE-ELSE",
      secretAccessKey: "secret",
      forcePathStyle: true,
    });
    s3Clients.push(storage);
    await expect(storage.get("avatar.webp")).rejects.toThrow();
  });
});

describe("createStorage", () => {
  it("uses the local disk under DATA_DIR/uploads with no bucket, and S3 with one", () => {
    const base = {
      DATA_DIR: tmp,
      S3_BUCKET: undefined,
      S3_REGION: "us-east-1",
      S3_ENDPOINT: undefined,
      S3_ACCESS_KEY_ID: undefined,
      S3_SECRET_ACCESS_KEY: undefined,
      S3_FORCE_PATH_STYLE: false,
    };
    const local = createStorage(base);
    expect(local).toBeInstanceOf(LocalDiskStorage);
    expect((local as LocalDiskStorage).root).toBe(path.join(tmp, "uploads"));
    const remote = createStorage({ ...base, S3_BUCKET: "b", S3_ENDPOINT: s3Endpoint, S3_FORCE_PATH_STYLE: true });
    expect(remote.kind).toBe("s3");
    (remote as S3Storage).destroy();
  });
});
