/**
 * The file types Tandem accepts anywhere, with their label and extension. A module of its own, without
 * `file-type` or `sharp`, so that limits shown in forms do not pull the upload checks into the Remix build.
 */
export const UPLOAD_TYPES = {
  "image/jpeg": { label: "JPEG", ext: "jpg" },
  "image/png": { label: "PNG", ext: "png" },
  "image/webp": { label: "WebP", ext: "webp" },
  "application/pdf": { label: "PDF", ext: "pdf" },
  "image/gif": { label: "GIF", ext: "gif" },
  "text/plain": { label: "plain text", ext: "txt" },
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": { label: "Word (.docx)", ext: "docx" },
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": { label: "Excel (.xlsx)", ext: "xlsx" },
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": {
    label: "PowerPoint (.pptx)",
    ext: "pptx",
  },
} as const;

export type UploadType = keyof typeof UPLOAD_TYPES;
