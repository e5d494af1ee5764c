import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { formatBytes, ImageProcessingError, inspectUpload, resizeImage } from "./uploads.ts";

const MB = 1024 * 1024;

/** A real image of the given format, made by sharp (two colour halves: red left, blue right). */
async function image(format: "png" | "jpeg" | "webp", width = 64, height = 32, withExif = false): Promise<Buffer> {
  const half = Math.floor(width / 2);
  const red = await sharp({ create: { width: half, height, channels: 3, background: { r: 255, g: 0, b: 0 } } })
    .png()
    .toBuffer();
  let pipeline = sharp({ create: { width, height, channels: 3, background: { r: 0, g: 0, b: 255 } } }).composite([
    { input: red, left: 0, top: 0 },
  ]);
  if (withExif) {
    // Orientation 6: "rotate 90° clockwise to display"; plus identifying metadata that must not survive.
    pipeline = pipeline
      .withExif({ IFD0: { Copyright: "Jane Coach", Artist: "Jane Coach", Make: "PhoneCorp" } })
      .withMetadata({ orientation: 6 });
  }
  return pipeline.toFormat(format).toBuffer();
}

/** A minimal but valid PDF. */
function pdf(): Buffer {
  return Buffer.from(
    "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n" +
      "trailer<</Root 1 0 R>>\n%%EOF\n",
    "latin1",
  );
}

/** A real ZIP archive with one stored (uncompressed) file. */
function zip(): Buffer {
  const name = Buffer.from("cv.pdf");
  const data = Buffer.from("not really a pdf");
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0); // local file header
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(0, 14); // crc (unchecked by readers of the signature)
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(name.length, 28);
  const centralOffset = local.length + name.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(centralOffset, 16);
  return Buffer.concat([local, name, data, central, name, end]);
}

const documents = ["application/pdf", "image/jpeg", "image/png"] as const;

describe("inspectUpload", () => {
  it("accepts real PNG, JPEG, WebP and PDF files by their bytes", async () => {
    const all = ["image/png", "image/jpeg", "image/webp", "application/pdf"] as const;
    for (const [bytes, type, ext] of [
      [await image("png"), "image/png", "png"],
      [await image("jpeg"), "image/jpeg", "jpg"],
      [await image("webp"), "image/webp", "webp"],
      [pdf(), "application/pdf", "pdf"],
    ] as const) {
      expect(await inspectUpload(bytes, { allowed: all, maxBytes: 5 * MB })).toEqual({
        ok: true,
        contentType: type,
        ext,
        size: bytes.length,
      });
    }
  });

  it("names what a refused file really is, whatever it was called", async () => {
    expect(await inspectUpload(zip(), { allowed: documents, maxBytes: 5 * MB })).toEqual({
      ok: false,
      code: "UNSUPPORTED_TYPE",
      message: "Only PDF, JPEG or PNG files are accepted; this file is a ZIP archive.",
      detected: "application/zip",
    });
    const png = await inspectUpload(await image("png"), { allowed: ["application/pdf"], maxBytes: 5 * MB });
    expect(png).toMatchObject({ ok: false, message: "Only PDF files are accepted; this file is a PNG file." });
    const webp = await inspectUpload(await image("webp"), { allowed: ["image/jpeg", "image/png"], maxBytes: 5 * MB });
    expect(webp).toMatchObject({
      ok: false,
      message: "Only JPEG or PNG files are accepted; this file is a WebP file.",
    });
  });

  it("refuses content it cannot recognise, such as text posing as a PDF", async () => {
    const result = await inspectUpload(Buffer.from("Dear coach, here is my certificate.\n"), {
      allowed: documents,
      maxBytes: 5 * MB,
    });
    expect(result).toEqual({
      ok: false,
      code: "UNSUPPORTED_TYPE",
      message: "Only PDF, JPEG or PNG files are accepted; the type of this file could not be recognised.",
    });
  });

  it("refuses files over the limit, saying how big they are", async () => {
    const big = Buffer.alloc(Math.floor(12.3 * MB));
    big.set(pdf());
    expect(await inspectUpload(big, { allowed: documents, maxBytes: 5 * MB })).toEqual({
      ok: false,
      code: "TOO_LARGE",
      message: "The file is 12.3 MB; the limit is 5 MB.",
    });
    const justOver = Buffer.alloc(5 * MB + 1);
    expect(await inspectUpload(justOver, { allowed: documents, maxBytes: 5 * MB })).toMatchObject({
      message: "The file is 5.1 MB; the limit is 5 MB.",
    });
    const atLimit = Buffer.alloc(5 * MB);
    atLimit.set(pdf());
    expect(await inspectUpload(atLimit, { allowed: documents, maxBytes: 5 * MB })).toMatchObject({ ok: true });
  });

  it("refuses an empty file", async () => {
    expect(await inspectUpload(new Uint8Array(0), { allowed: documents, maxBytes: MB })).toEqual({
      ok: false,
      code: "EMPTY",
      message: "The file is empty.",
    });
  });

  it("formats sizes for people", () => {
    expect(formatBytes(5 * MB)).toBe("5 MB");
    expect(formatBytes(850 * 1024)).toBe("850 KB");
    expect(formatBytes(1)).toBe("1 byte");
    expect(formatBytes(1536)).toBe("1.5 KB");
  });
});

describe("resizeImage", () => {
  it("makes a 400x400 WebP without any metadata, upright and cropped to fill", async () => {
    // 800x400 stored sideways (EXIF orientation 6): upright it is 400x800, red on top, blue below.
    const input = await image("jpeg", 800, 400, true);
    const before = await sharp(input).metadata();
    expect(before.exif).toBeDefined();
    expect(before.orientation).toBe(6);

    const out = await resizeImage(input, { width: 400, height: 400 });
    expect(out).toMatchObject({ contentType: "image/webp", width: 400, height: 400 });

    const meta = await sharp(out.bytes).metadata();
    expect(meta.format).toBe("webp");
    expect([meta.width, meta.height]).toEqual([400, 400]);
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(meta.icc).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    expect(out.bytes.includes(Buffer.from("Jane Coach"))).toBe(false);

    const { data, info } = await sharp(out.bytes).raw().toBuffer({ resolveWithObject: true });
    const pixel = (x: number, y: number) => {
      const i = (y * info.width + x) * info.channels;
      return [data[i]!, data[i + 1]!, data[i + 2]!];
    };
    const [tr, , tb] = pixel(200, 40);
    const [br, , bb] = pixel(200, 360);
    expect(tr).toBeGreaterThan(200);
    expect(tb).toBeLessThan(60);
    expect(br).toBeLessThan(60);
    expect(bb).toBeGreaterThan(200);
  });

  it("upscales a small PNG to the requested square", async () => {
    const out = await resizeImage(await image("png", 40, 20), { width: 400, height: 400 });
    const meta = await sharp(out.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["webp", 400, 400]);
  });

  it("refuses a damaged image with a plain message", async () => {
    const damaged = Buffer.concat([(await image("png")).subarray(0, 40), Buffer.alloc(200, 7)]);
    await expect(resizeImage(damaged, { width: 400, height: 400 })).rejects.toThrow(ImageProcessingError);
    await expect(resizeImage(damaged, { width: 400, height: 400 })).rejects.toThrow(
      "The image could not be read; the file may be damaged.",
    );
  });

  it("refuses an image with more pixels than allowed", async () => {
    const input = await image("png", 2000, 2000);
    await expect(resizeImage(input, { width: 400, height: 400, maxInputPixels: 1_000_000 })).rejects.toThrow(
      "The image is too large (too many pixels) to be processed.",
    );
  });
});
