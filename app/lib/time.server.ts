import { DateTime } from "luxon";

// Server-only (".server"): keeps luxon and the slot engine out of the browser bundle.
export { formatSlotForViewer, groupSlotsByLocalDate } from "@server/services/scheduling/slots.ts";

/** A wall time from <input type="datetime-local"> read in an IANA zone (DST-aware), as an ISO instant. */
export function wallTimeToInstant(local: string, zone: string): string {
  return DateTime.fromISO(local, { zone }).toISO() ?? local;
}
