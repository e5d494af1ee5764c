// What a session file may be: shared by the service and by the forms (through app/lib/session-files.server.ts)
// without pulling the service, `sharp` or `file-type` into the Remix build.
import { type UploadType, UPLOAD_TYPES } from "@server/integrations/storage/upload-types.ts";

/** What may be attached to a session: PDF, images, plain text and the common office formats. */
export const SESSION_FILE_TYPES: readonly UploadType[] = [
  "application/pdf",
  "image/jpeg",
  "image/png",
  "image/webp",
  "image/gif",
  "text/plain",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
];
/** The accepted types in words, for forms ("PDF, JPEG, …"). */
export const SESSION_FILE_TYPES_LABEL = SESSION_FILE_TYPES.map((t) => UPLOAD_TYPES[t].label).join(", ");
/** The `accept` attribute of file inputs (extensions and types). */
export const SESSION_FILE_ACCEPT = [
  ...SESSION_FILE_TYPES,
  ...SESSION_FILE_TYPES.map((t) => `.${UPLOAD_TYPES[t].ext}`),
  ".jpeg",
  ".text",
  ".md",
].join(",");
export const SESSION_FILE_MAX_BYTES = 10 * 1024 * 1024;
