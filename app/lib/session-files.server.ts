// Server-only: the limits of session files, for loaders to hand to forms.
import {
  SESSION_FILE_ACCEPT,
  SESSION_FILE_MAX_BYTES,
  SESSION_FILE_TYPES_LABEL,
} from "@server/services/session-notes/limits.ts";

export const sessionFileLimits = {
  accept: SESSION_FILE_ACCEPT,
  maxBytes: SESSION_FILE_MAX_BYTES,
  typesLabel: SESSION_FILE_TYPES_LABEL,
  maxLabel: `${SESSION_FILE_MAX_BYTES / 1024 / 1024} MB`,
};
export type SessionFileLimits = typeof sessionFileLimits;
