import type { BookingStatus } from "@server/db/client.ts";
import { AppError } from "@server/errors.ts";

/**
 * The booking status machine: PENDING → CONFIRMED (paid, or a package credit) → COMPLETED |
 * NO_SHOW (after the session window); PENDING | CONFIRMED → CANCELLED. Nothing else.
 */
const allowed: Record<BookingStatus, readonly BookingStatus[]> = {
  PENDING: ["CONFIRMED", "CANCELLED"],
  CONFIRMED: ["COMPLETED", "NO_SHOW", "CANCELLED"],
  COMPLETED: [],
  NO_SHOW: [],
  CANCELLED: [],
};

const words: Record<BookingStatus, string> = {
  PENDING: "pending",
  CONFIRMED: "confirmed",
  COMPLETED: "completed",
  NO_SHOW: "no-show",
  CANCELLED: "cancelled",
};

export const canTransitionBooking = (from: BookingStatus, to: BookingStatus) => allowed[from].includes(to);

export function assertBookingTransition(from: BookingStatus, to: BookingStatus): void {
  if (!canTransitionBooking(from, to))
    throw new AppError("CONFLICT", `A ${words[from]} booking cannot become ${words[to]}.`);
}

/** Statuses that occupy the coach's time (the exclusion constraint covers exactly these). */
export const ACTIVE_BOOKING_STATUSES: readonly BookingStatus[] = ["PENDING", "CONFIRMED"];
