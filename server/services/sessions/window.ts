/**
 * When a booking's live room is open: from 10 minutes before the start until 5 minutes after the
 * end (a short grace so that a session running a little over is not cut off, and a late "leave"
 * still lands inside the window). The outcome of the session is decided once the room has closed.
 */
export const ROOM_OPENS_BEFORE_MS = 10 * 60_000;
export const ROOM_GRACE_AFTER_MS = 5 * 60_000;

export const roomOpensAt = (startsAt: Date) => new Date(startsAt.getTime() - ROOM_OPENS_BEFORE_MS);
export const roomClosesAt = (endsAt: Date) => new Date(endsAt.getTime() + ROOM_GRACE_AFTER_MS);
