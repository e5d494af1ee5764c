import { fileTypeFromBuffer } from "file-type";
import sharp from "sharp";
import { UPLOAD_TYPES, type UploadType } from "./upload-types.ts";

/**
 * Checks for uploaded files (coach photos, credential documents, session files). The type is taken from the
 * file's own bytes (magic numbers, via `file-type`), never from the name or the type the browser
 * declared. Images that will be shown are re-encoded by `resizeImage`, which also drops their
 * metadata (EXIF location, camera serial numbers).
 */

export { UPLOAD_TYPES, type UploadType } from "./upload-types.ts";

export type UploadCheck =
  | { ok: true; contentType: UploadType; ext: string; size: number }
  | { ok: false; code: "EMPTY" | "TOO_LARGE" | "UNSUPPORTED_TYPE"; message: string; detected?: string };

/** How a detected type is described in an error ("this file is a ZIP archive"). */
const DESCRIPTIONS: Record<string, string> = {
  "application/zip": "a ZIP archive",
  "application/x-rar-compressed": "a RAR archive",
  "application/x-7z-compressed": "a 7-Zip archive",
  "application/gzip": "a gzip archive",
  "application/x-tar": "a tar archive",
  "image/gif": "a GIF image",
  "image/heic": "a HEIC image",
  "image/heif": "a HEIF image",
  "image/avif": "an AVIF image",
  "image/bmp": "a BMP image",
  "image/tiff": "a TIFF image",
  "image/vnd.adobe.photoshop": "a Photoshop document",
  "application/msword": "a Word document",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "a Word document",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "an Excel workbook",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": "a PowerPoint presentation",
  "application/x-msdownload": "a Windows program",
  "application/x-elf": "a Linux program",
  "application/x-mach-binary": "a macOS program",
  "video/mp4": "an MP4 video",
  "video/quicktime": "a QuickTime video",
  "audio/mpeg": "an MP3 audio file",
};

function describe(mime: string, ext: string): string {
  if (DESCRIPTIONS[mime]) return DESCRIPTIONS[mime];
  const known = UPLOAD_TYPES[mime as UploadType];
  if (known) return `a ${known.label} file`;
  return `a ${ext.toUpperCase()} file (${mime})`;
}

/**
 * Plain text has no magic number: it is accepted as text when it decodes as UTF-8 (an optional
 * byte order mark) and holds no control characters other than tab, line feed, carriage return
 * and form feed.
 */
function looksLikeText(bytes: Uint8Array): boolean {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return false;
  }
  // eslint-disable-next-line no-control-regex
  return !/[\u0000-\u0008\u000B\u000E-\u001F\u007F]/.test(text);
}

/** "PDF, JPEG or PNG" */
function listLabels(allowed: readonly UploadType[]): string {
  const labels = [...new Set(allowed.map((t) => UPLOAD_TYPES[t].label))];
  if (labels.length <= 1) return labels.join("");
  return `${labels.slice(0, -1).join(", ")} or ${labels[labels.length - 1]}`;
}

const KB = 1024;
const MB = 1024 * 1024;

/** A size as people read it: "5 MB", "12.3 MB", "850 KB", "20 bytes" (binary units, one decimal). */
export function formatBytes(bytes: number, round: "up" | "nearest" = "nearest"): string {
  const fix = (n: number) => {
    const r = round === "up" ? Math.ceil(n * 10) / 10 : Math.round(n * 10) / 10;
    return Number.isInteger(r) ? String(r) : r.toFixed(1);
  };
  if (bytes >= MB) return `${fix(bytes / MB)} MB`;
  if (bytes >= KB) return `${fix(bytes / KB)} KB`;
  return `${bytes} byte${bytes === 1 ? "" : "s"}`;
}

/**
 * Checks an uploaded file's size and real type. `allowed` lists the accepted types; the answer
 * carries the detected type (use it as the stored content type) or a message for the person.
 */
export async function inspectUpload(
  bytes: Uint8Array,
  options: { allowed: readonly UploadType[]; maxBytes: number },
): Promise<UploadCheck> {
  if (options.allowed.length === 0) throw new Error("inspectUpload: `allowed` must list at least one type");
  const size = bytes.byteLength;
  if (size === 0) return { ok: false, code: "EMPTY", message: "The file is empty." };
  if (size > options.maxBytes) {
    const limit = formatBytes(options.maxBytes);
    let actual = formatBytes(size);
    // A file just over the limit must not read as "5 MB; the limit is 5 MB".
    if (actual === limit) actual = formatBytes(size, "up");
    return { ok: false, code: "TOO_LARGE", message: `The file is ${actual}; the limit is ${limit}.` };
  }
  const accepted = `Only ${listLabels(options.allowed)} files are accepted`;
  const detected = await fileTypeFromBuffer(bytes);
  if (!detected && (options.allowed as readonly string[]).includes("text/plain") && looksLikeText(bytes)) {
    return { ok: true, contentType: "text/plain", ext: "txt", size };
  }
  if (!detected) {
    return {
      ok: false,
      code: "UNSUPPORTED_TYPE",
      message: `${accepted}; the type of this file could not be recognised.`,
    };
  }
  const mime = detected.mime as string;
  if (!(options.allowed as readonly string[]).includes(mime)) {
    return {
      ok: false,
      code: "UNSUPPORTED_TYPE",
      message: `${accepted}; this file is ${describe(mime, detected.ext)}.`,
      detected: mime,
    };
  }
  const type = mime as UploadType;
  return { ok: true, contentType: type, ext: UPLOAD_TYPES[type].ext, size };
}

export class ImageProcessingError extends Error {
  override name = "ImageProcessingError";
}

export interface ResizedImage {
  bytes: Buffer;
  contentType: "image/webp";
  width: number;
  height: number;
}

/**
 * Re-encodes an image as WebP of exactly `width` x `height`, cropped to fill (centre), turned
 * upright according to its EXIF orientation, and without any metadata (EXIF, XMP, ICC, GPS).
 * A file that is not a readable image (or is larger than `maxInputPixels`, 50 megapixels by
 * default, a guard against decompression bombs) is an ImageProcessingError with a plain message.
 */
export async function resizeImage(
  bytes: Uint8Array,
  options: { width: number; height: number; quality?: number; maxInputPixels?: number },
): Promise<ResizedImage> {
  const { width, height } = options;
  if (
    !Number.isInteger(width) ||
    !Number.isInteger(height) ||
    width < 1 ||
    height < 1 ||
    width > 4096 ||
    height > 4096
  ) {
    throw new Error("resizeImage: width and height must be whole numbers from 1 to 4096");
  }
  try {
    const { data, info } = await sharp(bytes, {
      limitInputPixels: options.maxInputPixels ?? 50_000_000,
      failOn: "error",
    })
      .autoOrient()
      .resize(width, height, { fit: "cover", position: "centre" })
      .webp({ quality: options.quality ?? 82 })
      .toBuffer({ resolveWithObject: true });
    return { bytes: data, contentType: "image/webp", width: info.width, height: info.height };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (/pixel limit/i.test(reason))
      throw new ImageProcessingError("The image is too large (too many pixels) to be processed.");
    throw new ImageProcessingError("The image could not be read; the file may be damaged.", { cause: error });
  }
}
