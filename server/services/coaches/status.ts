import type { CoachStatus } from "@server/db/client.ts";
import { AppError } from "@server/errors.ts";

/**
 * The coach status machine: PENDING → APPROVED | REJECTED; APPROVED ↔ SUSPENDED; a rejected
 * applicant may apply again (REJECTED → PENDING). Everything else is refused.
 */
const allowed: Record<CoachStatus, readonly CoachStatus[]> = {
  PENDING: ["APPROVED", "REJECTED"],
  APPROVED: ["SUSPENDED"],
  SUSPENDED: ["APPROVED"],
  REJECTED: ["PENDING"],
};

const words: Record<CoachStatus, string> = {
  PENDING: "pending",
  APPROVED: "approved",
  REJECTED: "rejected",
  SUSPENDED: "suspended",
};

export function assertCoachTransition(from: CoachStatus, to: CoachStatus): void {
  if (!allowed[from].includes(to)) {
    throw new AppError("CONFLICT", `A ${words[from]} coach cannot become ${words[to]}.`);
  }
}

export const canTransition = (from: CoachStatus, to: CoachStatus) => allowed[from].includes(to);

/** Only approved coaches are listed, shown or bookable. */
export const LISTED_STATUS: CoachStatus = "APPROVED";
