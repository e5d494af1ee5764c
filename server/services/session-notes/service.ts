import { randomUUID } from "node:crypto";
import type { BookingStatus } from "@server/db/client.ts";
import { AppError, forbidden, notFound } from "@server/errors.ts";
import { inspectUpload } from "@server/integrations/storage/uploads.ts";
import { SESSION_FILE_MAX_BYTES, SESSION_FILE_TYPES } from "./limits.ts";
import type { Actor } from "@server/policies/coaching.ts";
import { bookingParticipantWhere, bookingRole } from "@server/policies/participants.ts";
import type { ServiceDeps } from "../deps.ts";
import { inZone } from "../format.ts";
import type { NotificationService } from "../notifications/service.ts";

export { SESSION_FILE_ACCEPT, SESSION_FILE_MAX_BYTES, SESSION_FILE_TYPES, SESSION_FILE_TYPES_LABEL } from "./limits.ts";
export const SESSION_FILES_PER_BOOKING = 20;
export const ACTION_ITEMS_PER_BOOKING = 50;
export const NOTE_MAX_CHARS = 20_000;
/** Notes, action items and resources open this long before the session starts (and stay open). */
export const NOTES_OPEN_BEFORE_MS = 15 * 60_000;

export type FileKind = "PREPARATION" | "RESOURCE";
export type NoteVisibility = "PRIVATE" | "SHARED";

const SESSION_HELD: readonly BookingStatus[] = ["CONFIRMED", "COMPLETED", "NO_SHOW"];

/** A file name as given by the browser, without folders, control characters or surrounding space. */
export function cleanFileName(name: string, ext: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const clean = base
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f"]/g, "")
    .trim()
    .slice(0, 200);
  return clean || `file.${ext}`;
}

/** The context a session note is sealed with: bound to its booking and visibility. */
export const noteContext = (bookingId: string, visibility: NoteVisibility) => `session-note:${bookingId}:${visibility}`;

/** A note's words, without differences in spacing (which are not news for the client). */
const words = (text: string) => text.replace(/\s+/g, " ").trim();

/** Up to `max` names in quotes, then how many more. */
function nameList(names: string[], max = 5): string {
  const shown = names
    .slice(0, max)
    .map((n) => `“${n}”`)
    .join(", ");
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

/**
 * Session notes, action items and files of one booking, for its coach and client only (same
 * tenant; anyone else gets "not found"). The coach's PRIVATE note is never returned to the
 * client. Note bodies are sealed with the keyring (encryption at rest).
 *
 * The other participant is told in-app when something is shared with them: the shared progress
 * note (first shared, or its words changed), new action items, preparation files of a confirmed
 * session. One unread notification per kind and booking at most (a later change updates it), and
 * never anything about the private note.
 */
export function createSessionNotesService(
  { db, now, storage, keyring, log }: ServiceDeps,
  notifications: NotificationService,
) {
  /** The booking and the viewer's side of it, or "not found". */
  async function participant(actor: Actor, bookingId: string) {
    const booking = await db.booking.findFirst({
      where: { id: bookingId, ...bookingParticipantWhere(actor) },
      select: {
        id: true,
        tenantId: true,
        clientId: true,
        status: true,
        startsAt: true,
        endsAt: true,
        holdExpiresAt: true,
        coachProfile: { select: { userId: true, displayName: true } },
      },
    });
    if (!booking) throw notFound("That booking");
    const role = bookingRole(actor, { ...booking, coachUserId: booking.coachProfile.userId });
    return { booking, isCoach: role === "coach" };
  }

  type Booking = Awaited<ReturnType<typeof participant>>["booking"];

  /** Preparation documents: while the booking is held or confirmed and the session has not ended. */
  function preparationOpen(b: Booking, at: Date) {
    const held =
      b.status === "CONFIRMED" || (b.status === "PENDING" && b.holdExpiresAt !== null && b.holdExpiresAt > at);
    return held && at < b.endsAt;
  }
  /** Notes, action items and resources: a confirmed (or finished) session, from shortly before it starts. */
  function notesOpen(b: Booking, at: Date) {
    return SESSION_HELD.includes(b.status) && at.getTime() >= b.startsAt.getTime() - NOTES_OPEN_BEFORE_MS;
  }

  function requireNotesOpen(b: Booking) {
    if (!SESSION_HELD.includes(b.status)) throw new AppError("CONFLICT", "Notes are kept only for confirmed sessions.");
    if (!notesOpen(b, now()))
      throw new AppError("CONFLICT", `Notes open ${NOTES_OPEN_BEFORE_MS / 60_000} minutes before the session starts.`);
  }

  function openNote(bookingId: string, visibility: NoteVisibility, sealed: string): string {
    try {
      return keyring.openText(sealed, noteContext(bookingId, visibility));
    } catch (error) {
      log.error("a session note could not be decrypted", { bookingId, visibility, error: String(error) });
      throw new AppError(
        "CONFLICT",
        "This note could not be decrypted. Ask your administrator about the encryption keys.",
      );
    }
  }

  /**
   * Tells the booking's other participant (in-app, linking to the booking) about something shared
   * with them; `body` gets the session's start as they read it. A notification that cannot be
   * written is logged: what was shared is saved either way.
   */
  async function tellOther(
    booking: Booking,
    fromCoach: boolean,
    kind: string,
    title: string,
    body: (start: string) => string,
  ) {
    const to = fromCoach ? booking.clientId : booking.coachProfile.userId;
    try {
      const person = await db.user.findUniqueOrThrow({ where: { id: to }, select: { timeZone: true } });
      await notifications.notify({
        tenantId: booking.tenantId,
        userId: to,
        kind,
        title,
        body: body(inZone(booking.startsAt, person.timeZone)),
        link: `/bookings/${booking.id}`,
        coalesce: true,
      });
    } catch (error) {
      log.error("a session notification was not written", { bookingId: booking.id, kind, error: String(error) });
    }
  }

  /** How a participant is named to the other: the coach by their profile name, the client by theirs. */
  async function nameOf(booking: Booking, isCoach: boolean) {
    if (isCoach) return booking.coachProfile.displayName;
    return (await db.user.findUniqueOrThrow({ where: { id: booking.clientId }, select: { name: true } })).name;
  }

  /** The shared note's words as stored now ("" when there is none, or it cannot be read). */
  async function sharedWords(bookingId: string) {
    const row = await db.sessionNote.findUnique({
      where: { bookingId_visibility: { bookingId, visibility: "SHARED" } },
      select: { body: true },
    });
    if (!row) return "";
    try {
      return words(keyring.openText(row.body, noteContext(bookingId, "SHARED")));
    } catch {
      return "";
    }
  }

  const fileSelect = {
    id: true,
    kind: true,
    fileName: true,
    contentType: true,
    sizeBytes: true,
    createdAt: true,
    uploadedById: true,
  } as const;

  async function namesOf(ids: string[]) {
    const users = await db.user.findMany({
      where: { id: { in: [...new Set(ids)] } },
      select: { id: true, name: true },
    });
    return new Map(users.map((u) => [u.id, u.name]));
  }

  return {
    /** Everything the booking page shows about notes and files, cut to the viewer's side. */
    async forBooking(actor: Actor, bookingId: string) {
      const { booking, isCoach } = await participant(actor, bookingId);
      const [files, notes, actionItems] = await Promise.all([
        db.bookingFile.findMany({ where: { bookingId }, orderBy: { createdAt: "asc" }, select: fileSelect }),
        // The client's query never asks for the private note, so it cannot leak through a mapping slip.
        db.sessionNote.findMany({
          where: { bookingId, visibility: isCoach ? { in: ["PRIVATE", "SHARED"] } : "SHARED" },
          select: { visibility: true, body: true, updatedAt: true },
        }),
        db.actionItem.findMany({
          where: { bookingId },
          orderBy: { createdAt: "asc" },
          select: { id: true, text: true, doneAt: true, createdAt: true },
        }),
      ]);
      const names = await namesOf(files.map((f) => f.uploadedById));
      const note = (v: NoteVisibility) => {
        const n = notes.find((x) => x.visibility === v);
        return n ? { body: openNote(bookingId, v, n.body), updatedAt: n.updatedAt } : null;
      };
      const at = now();
      const base = {
        viewer: isCoach ? ("coach" as const) : ("client" as const),
        files: files.map(({ uploadedById, ...f }) => ({
          ...f,
          mine: uploadedById === actor.userId,
          uploadedBy: names.get(uploadedById) ?? "Someone",
        })),
        sharedNote: note("SHARED"),
        actionItems,
        can: {
          addPreparation: preparationOpen(booking, at),
          addResource: isCoach && notesOpen(booking, at),
          editNotes: isCoach && notesOpen(booking, at),
          tickActionItems: !isCoach,
        },
        notesOpenAt: new Date(booking.startsAt.getTime() - NOTES_OPEN_BEFORE_MS),
      };
      return isCoach ? { ...base, privateNote: note("PRIVATE") } : base;
    },

    /**
     * Attaches a file: PREPARATION by either side before the session ends, RESOURCE by the coach
     * from shortly before the start. Type (by content) and size are checked before anything is
     * stored; a failed row removes the stored object again.
     */
    async uploadFile(actor: Actor, input: { bookingId: string; kind: FileKind; name: string; bytes: Uint8Array }) {
      const { booking, isCoach } = await participant(actor, input.bookingId);
      const at = now();
      if (input.kind === "PREPARATION" && !preparationOpen(booking, at)) {
        throw new AppError("CONFLICT", "Preparation documents can be added until the session ends.", {
          file: ["Preparation documents can be added until the session ends."],
        });
      }
      if (input.kind === "RESOURCE") {
        if (!isCoach) throw forbidden("Only the coach shares resources.");
        requireNotesOpen(booking);
      }
      const check = await inspectUpload(input.bytes, { allowed: SESSION_FILE_TYPES, maxBytes: SESSION_FILE_MAX_BYTES });
      if (!check.ok) throw new AppError("BAD_REQUEST", check.message, { file: [check.message] });
      const count = await db.bookingFile.count({ where: { bookingId: booking.id } });
      if (count >= SESSION_FILES_PER_BOOKING) {
        throw new AppError(
          "CONFLICT",
          `A session can have at most ${SESSION_FILES_PER_BOOKING} files. Remove one first.`,
          { file: [`At most ${SESSION_FILES_PER_BOOKING} files per session.`] },
        );
      }
      const key = `bookings/${booking.tenantId}/${booking.id}/${randomUUID()}.${check.ext}`;
      await storage.put(key, input.bytes, check.contentType);
      let file;
      try {
        file = await db.bookingFile.create({
          data: {
            tenantId: booking.tenantId,
            bookingId: booking.id,
            uploadedById: actor.userId,
            kind: input.kind,
            fileKey: key,
            fileName: cleanFileName(input.name, check.ext),
            contentType: check.contentType,
            sizeBytes: check.size,
          },
          select: fileSelect,
        });
      } catch (error) {
        await storage.delete(key).catch(() => undefined); // no orphan object
        throw error;
      }
      // Preparation for a session that is on (a hold not yet paid for may still lapse).
      if (input.kind === "PREPARATION" && booking.status === "CONFIRMED") {
        const theirs = await db.bookingFile.findMany({
          where: { bookingId: booking.id, kind: "PREPARATION", uploadedById: actor.userId },
          orderBy: { createdAt: "desc" },
          select: { fileName: true },
        });
        const name = await nameOf(booking, isCoach);
        await tellOther(
          booking,
          isCoach,
          "session.preparation",
          theirs.length > 1 ? `${name} added preparation files` : `${name} added a preparation file`,
          (start) => `For your session on ${start}: ${nameList(theirs.map((f) => f.fileName))}.`,
        );
      }
      return file;
    },

    /** Removes a file its uploader added (row first, then the stored object). */
    async deleteFile(actor: Actor, fileId: string) {
      const file = await db.bookingFile.findFirst({ where: { id: fileId, tenantId: actor.tenantId } });
      if (!file) throw notFound("That file");
      await participant(actor, file.bookingId);
      if (file.uploadedById !== actor.userId) throw forbidden("You can remove only files you added.");
      await db.bookingFile.delete({ where: { id: file.id } });
      await storage
        .delete(file.fileKey)
        .catch((e: unknown) =>
          log.warn("session file not deleted from storage", { key: file.fileKey, error: String(e) }),
        );
      return { id: file.id };
    },

    /** A stored file, for the booking's coach and client only. */
    async file(actor: Actor, fileId: string) {
      const file = await db.bookingFile.findFirst({ where: { id: fileId, tenantId: actor.tenantId } });
      if (!file) throw notFound("That file");
      await participant(actor, file.bookingId).catch(() => {
        throw notFound("That file");
      });
      const object = await storage.get(file.fileKey);
      if (!object) throw notFound("That file");
      return { object, name: file.fileName, type: file.contentType };
    },

    /** Saves (creates or replaces) the coach's private or shared note of a session. */
    async saveNote(actor: Actor, input: { bookingId: string; visibility: NoteVisibility; body: string }) {
      const { booking, isCoach } = await participant(actor, input.bookingId);
      if (!isCoach) throw forbidden("Only the coach writes session notes.");
      requireNotesOpen(booking);
      if (input.body.length > NOTE_MAX_CHARS)
        throw new AppError("BAD_REQUEST", `A note is at most ${NOTE_MAX_CHARS} characters.`, {
          body: [`At most ${NOTE_MAX_CHARS} characters.`],
        });
      const body = keyring.sealText(input.body, noteContext(booking.id, input.visibility));
      // What the client could read before, to tell news from a save that changed nothing they see.
      const before = input.visibility === "SHARED" ? await sharedWords(booking.id) : "";
      const saved = await db.sessionNote.upsert({
        where: { bookingId_visibility: { bookingId: booking.id, visibility: input.visibility } },
        create: {
          tenantId: booking.tenantId,
          bookingId: booking.id,
          authorId: actor.userId,
          visibility: input.visibility,
          body,
        },
        update: { body, authorId: actor.userId },
        select: { visibility: true, updatedAt: true },
      });
      // Only the shared note is news for the client, and only when its words changed.
      if (input.visibility === "SHARED" && words(input.body) && words(input.body) !== before) {
        const coach = booking.coachProfile.displayName;
        await tellOther(
          booking,
          true,
          "session.shared_note",
          before ? `${coach} updated your progress note` : `${coach} shared a progress note`,
          (start) => `About your session on ${start}. Open the booking to read it.`,
        );
      }
      return { ...saved, body: input.body };
    },

    async addActionItem(actor: Actor, input: { bookingId: string; text: string }) {
      const { booking, isCoach } = await participant(actor, input.bookingId);
      if (!isCoach) throw forbidden("Only the coach adds action items.");
      requireNotesOpen(booking);
      const count = await db.actionItem.count({ where: { bookingId: booking.id } });
      if (count >= ACTION_ITEMS_PER_BOOKING)
        throw new AppError("CONFLICT", `A session can have at most ${ACTION_ITEMS_PER_BOOKING} action items.`, {
          text: [`At most ${ACTION_ITEMS_PER_BOOKING} action items.`],
        });
      const item = await db.actionItem.create({
        data: { tenantId: booking.tenantId, bookingId: booking.id, text: input.text },
        select: { id: true, text: true, doneAt: true, createdAt: true },
      });
      const open = await db.actionItem.count({ where: { bookingId: booking.id, doneAt: null } });
      await tellOther(
        booking,
        true,
        "session.action_items",
        `Action items from ${booking.coachProfile.displayName}`,
        (start) =>
          `Added: “${item.text}”. ${open === 1 ? "1 action item is" : `${open} action items are`} open from your session on ${start}.`,
      );
      return item;
    },

    async removeActionItem(actor: Actor, itemId: string) {
      const item = await db.actionItem.findFirst({ where: { id: itemId, tenantId: actor.tenantId } });
      if (!item) throw notFound("That action item");
      const { isCoach } = await participant(actor, item.bookingId).catch(() => {
        throw notFound("That action item");
      });
      if (!isCoach) throw forbidden("Only the coach removes action items.");
      await db.actionItem.delete({ where: { id: item.id } });
      return { id: item.id };
    },

    /** The client ticks an action item done, or undoes that. */
    async setActionItemDone(actor: Actor, itemId: string, done: boolean) {
      const item = await db.actionItem.findFirst({ where: { id: itemId, tenantId: actor.tenantId } });
      if (!item) throw notFound("That action item");
      const { isCoach } = await participant(actor, item.bookingId).catch(() => {
        throw notFound("That action item");
      });
      if (isCoach) throw forbidden("Only the client ticks off action items.");
      return db.actionItem.update({
        where: { id: item.id },
        data: { doneAt: done ? (item.doneAt ?? now()) : null },
        select: { id: true, text: true, doneAt: true, createdAt: true },
      });
    },

    /**
     * The client's past sessions, newest first: finished ones (COMPLETED, NO_SHOW) and confirmed
     * ones whose end has passed, each with its shared note, action items and files (at most 100).
     */
    async history(actor: Actor) {
      const at = now();
      const bookings = await db.booking.findMany({
        where: {
          tenantId: actor.tenantId,
          clientId: actor.userId,
          OR: [{ status: { in: ["COMPLETED", "NO_SHOW"] } }, { status: "CONFIRMED", endsAt: { lte: at } }],
        },
        orderBy: { startsAt: "desc" },
        take: 100,
        select: {
          id: true,
          status: true,
          startsAt: true,
          endsAt: true,
          sessionType: true,
          topic: true,
          coachProfile: { select: { id: true, displayName: true } },
          service: { select: { name: true } },
          notes: { where: { visibility: "SHARED" }, select: { body: true, updatedAt: true } },
          actionItems: {
            orderBy: { createdAt: "asc" },
            select: { id: true, text: true, doneAt: true, createdAt: true },
          },
          files: { orderBy: { createdAt: "asc" }, select: fileSelect },
        },
      });
      return bookings.map(({ notes, files, ...b }) => {
        const shared = notes[0] ? openNote(b.id, "SHARED", notes[0].body) : "";
        return {
          ...b,
          sharedNote: shared ? { body: shared, updatedAt: notes[0]!.updatedAt } : null,
          files: files.map(({ uploadedById, ...f }) => ({ ...f, mine: uploadedById === actor.userId })),
        };
      });
    },
  };
}

export type SessionNotesService = ReturnType<typeof createSessionNotesService>;
