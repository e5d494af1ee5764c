import { readdir } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStorage } from "@server/integrations/storage/index.ts";
import { createDb } from "@server/db/client.ts";
import { createLogger } from "@server/log.ts";
import type { ServiceDeps } from "@server/services/deps.ts";
import { inZone } from "@server/services/format.ts";
import { createNotificationService } from "@server/services/notifications/service.ts";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { createCoach, createTenant, createUser } from "../helpers/factories.ts";

let app: TestApp;
type U = Awaited<ReturnType<typeof createUser>>;
type C = Awaited<ReturnType<typeof createCoach>>;
let tenant: Awaited<ReturnType<typeof createTenant>>;
let other: Awaited<ReturnType<typeof createTenant>>;
let coach: C, otherCoach: C, foreignCoach: C;
let ann: U, bob: U, foreignClient: U;
/** A confirmed session two days ahead. */
let upcoming: { id: string };

const HOUR = 3_600_000;
const api = async (u: U) => (await app.as(u.token)).api;
const pdf = () =>
  new Blob([new Uint8Array(Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"))], {
    type: "application/pdf",
  });
const named = (blob: Blob, name: string) => new File([blob], name, { type: blob.type });

async function booking(
  c: C,
  clientId: string,
  startsInMs: number,
  status: "CONFIRMED" | "COMPLETED" | "NO_SHOW" | "CANCELLED" | "PENDING" = "CONFIRMED",
) {
  const startsAt = new Date(app.clock.now().getTime() + startsInMs);
  return app.db.booking.create({
    data: {
      tenantId: c.profile.tenantId,
      coachProfileId: c.profile.id,
      clientId,
      serviceId: c.service?.id ?? null,
      status,
      startsAt,
      endsAt: new Date(startsAt.getTime() + HOUR),
      topic: `Topic ${startsInMs}`,
    },
  });
}

/** Every stored object under the uploads folder (to prove that refused uploads leave nothing behind). */
async function storedObjects(): Promise<string[]> {
  const root = path.join(app.tandem.env.DATA_DIR, "uploads");
  try {
    return (await readdir(root, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => path.join(e.parentPath, e.name));
  } catch {
    return [];
  }
}

beforeAll(async () => {
  app = await createTestApp();
  tenant = await createTenant(app);
  other = await createTenant(app);
  coach = await createCoach(app, tenant, { name: "Nora Notes" });
  otherCoach = await createCoach(app, tenant, { name: "Otto Other" });
  foreignCoach = await createCoach(app, other, { name: "Fern Foreign" });
  ann = await createUser(app, tenant, "CLIENT", { name: "Ann" });
  bob = await createUser(app, tenant, "CLIENT", { name: "Bob" });
  foreignClient = await createUser(app, other, "CLIENT", { name: "Fay" });
  upcoming = await booking(coach, ann.user.id, 2 * 24 * HOUR);
});
afterAll(() => app?.close());

describe("preparation files", () => {
  it("the client attaches a document that the coach can download; the type comes from the bytes, the name is cleaned", async () => {
    const file = await (
      await api(ann)
    ).sessionNotes.uploadFile({
      bookingId: upcoming.id,
      kind: "PREPARATION",
      file: named(pdf(), "../../my goals.pdf"),
    });
    expect(file).toMatchObject({ kind: "PREPARATION", fileName: "my goals.pdf", contentType: "application/pdf" });
    const forCoach = await (await api(coach)).sessionNotes.forBooking({ bookingId: upcoming.id });
    expect(forCoach.files).toEqual([expect.objectContaining({ id: file.id, mine: false, uploadedBy: "Ann" })]);
    const download = await app.tandem.services.sessionNotes.file(
      { userId: coach.user.id, tenantId: tenant.id, role: "COACH" },
      file.id,
    );
    expect(download.type).toBe("application/pdf");
    expect((await download.object.bytes()).toString()).toContain("%PDF-1.4");

    // A plain text file is accepted as text; an image by its content whatever its name.
    const txt = await (
      await api(coach)
    ).sessionNotes.uploadFile({
      bookingId: upcoming.id,
      kind: "PREPARATION",
      file: named(new Blob(["Questions for Ann\n- sleep\n"]), "questions.txt"),
    });
    expect(txt.contentType).toBe("text/plain");
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#123" } })
      .png()
      .toBuffer();
    const image = await (
      await api(ann)
    ).sessionNotes.uploadFile({
      bookingId: upcoming.id,
      kind: "PREPARATION",
      file: named(new Blob([new Uint8Array(png)]), "diagram.pdf"),
    });
    expect(image.contentType).toBe("image/png");
  });

  it("refuses another client, another coach and another tenant, for reading, downloading and uploading", async () => {
    const [file] = (await (await api(ann)).sessionNotes.forBooking({ bookingId: upcoming.id })).files;
    for (const stranger of [bob, otherCoach, foreignClient, foreignCoach]) {
      await expect((await api(stranger)).sessionNotes.forBooking({ bookingId: upcoming.id })).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      await expect(
        (await api(stranger)).sessionNotes.uploadFile({ bookingId: upcoming.id, kind: "PREPARATION", file: pdf() }),
      ).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect((await api(stranger)).sessionNotes.deleteFile({ fileId: file!.id })).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      const membership = await app.db.membership.findFirstOrThrow({ where: { userId: stranger.user.id } });
      await expect(
        app.tandem.services.sessionNotes.file(
          { userId: stranger.user.id, tenantId: membership.tenantId, role: membership.role },
          file!.id,
        ),
      ).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    expect(await app.db.bookingFile.count({ where: { bookingId: upcoming.id } })).toBe(3);
  });

  it("refuses a wrong type or a too large file with a clear message, and stores neither an object nor a row", async () => {
    const before = await storedObjects();
    const rows = await app.db.bookingFile.count();
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...new Array(40).fill(0)]);
    await expect(
      (await api(ann)).sessionNotes.uploadFile({
        bookingId: upcoming.id,
        kind: "PREPARATION",
        file: named(new Blob([zip]), "notes.pdf"),
      }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message:
        "Only PDF, JPEG, PNG, WebP, GIF, plain text, Word (.docx), Excel (.xlsx) or PowerPoint (.pptx) files are accepted; this file is a ZIP archive.",
      cause: { fieldErrors: { file: [expect.stringContaining("this file is a ZIP archive")] } },
    });
    const binary = new Uint8Array([0x00, 0x01, 0x02, 0xff, 0xfe, 0x00, 0x10]);
    await expect(
      (await api(ann)).sessionNotes.uploadFile({
        bookingId: upcoming.id,
        kind: "PREPARATION",
        file: new Blob([binary]),
      }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("the type of this file could not be recognised"),
    });
    const big = new Uint8Array(10 * 1024 * 1024 + 1).fill(0x61);
    await expect(
      (await api(ann)).sessionNotes.uploadFile({ bookingId: upcoming.id, kind: "PREPARATION", file: new Blob([big]) }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "The file is 10.1 MB; the limit is 10 MB.",
    });
    await expect(
      (await api(ann)).sessionNotes.uploadFile({ bookingId: upcoming.id, kind: "PREPARATION", file: new Blob([]) }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: "The file is empty." });
    expect(await app.db.bookingFile.count()).toBe(rows);
    expect(await storedObjects()).toEqual(before);
  });

  it("lets only the uploader delete a file, and removes its stored object", async () => {
    const mine = await (
      await api(ann)
    ).sessionNotes.uploadFile({ bookingId: upcoming.id, kind: "PREPARATION", file: named(pdf(), "delete me.pdf") });
    const row = await app.db.bookingFile.findUniqueOrThrow({ where: { id: mine.id } });
    await expect((await api(coach)).sessionNotes.deleteFile({ fileId: mine.id })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await (await api(ann)).sessionNotes.deleteFile({ fileId: mine.id });
    expect(await app.db.bookingFile.count({ where: { id: mine.id } })).toBe(0);
    expect(await createStorage(app.tandem.env).get(row.fileKey)).toBeNull();
  });

  it("closes preparation when the session has ended, and for cancelled bookings", async () => {
    const past = await booking(coach, ann.user.id, -3 * HOUR);
    const cancelled = await booking(coach, ann.user.id, 3 * 24 * HOUR, "CANCELLED");
    for (const b of [past, cancelled]) {
      await expect(
        (await api(ann)).sessionNotes.uploadFile({ bookingId: b.id, kind: "PREPARATION", file: pdf() }),
      ).rejects.toMatchObject({
        code: "CONFLICT",
        message: "Preparation documents can be added until the session ends.",
      });
    }
  });
});

describe("notes, action items and resources", () => {
  it("open to the coach only from 15 minutes before the start", async () => {
    const coachApi = await api(coach);
    await expect(
      coachApi.sessionNotes.saveNote({ bookingId: upcoming.id, visibility: "PRIVATE", body: "Too early" }),
    ).rejects.toMatchObject({ code: "CONFLICT", message: "Notes open 15 minutes before the session starts." });
    await expect(
      coachApi.sessionNotes.addActionItem({ bookingId: upcoming.id, text: "Too early" }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(
      coachApi.sessionNotes.uploadFile({ bookingId: upcoming.id, kind: "RESOURCE", file: pdf() }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await coachApi.sessionNotes.forBooking({ bookingId: upcoming.id })).can).toMatchObject({
      editNotes: false,
      addResource: false,
      addPreparation: true,
    });
  });

  it("the coach keeps a private note the client never receives, and shares a progress note and action items", async () => {
    const session = await booking(coach, ann.user.id, 10 * 60_000); // starts in 10 minutes: notes are open
    const coachApi = await api(coach);
    const annApi = await api(ann);
    await coachApi.sessionNotes.saveNote({
      bookingId: session.id,
      visibility: "PRIVATE",
      body: "Ann seems tired; ask about work.",
    });
    await coachApi.sessionNotes.saveNote({
      bookingId: session.id,
      visibility: "SHARED",
      body: "We set a wind-down routine.",
    });
    await coachApi.sessionNotes.saveNote({
      bookingId: session.id,
      visibility: "SHARED",
      body: "We set a wind-down routine at 22:00.",
    }); // replaces, one per booking
    const item = await coachApi.sessionNotes.addActionItem({
      bookingId: session.id,
      text: "  No screens after 22:00  ",
    });
    expect(item.text).toBe("No screens after 22:00");
    const resource = await coachApi.sessionNotes.uploadFile({
      bookingId: session.id,
      kind: "RESOURCE",
      file: named(pdf(), "sleep-hygiene.pdf"),
    });

    // Stored encrypted, one row per visibility.
    const stored = await app.db.sessionNote.findMany({ where: { bookingId: session.id } });
    expect(stored).toHaveLength(2);
    for (const n of stored) expect(n.body).not.toContain("routine");
    expect(stored.map((n) => n.body).join()).not.toContain("tired");

    const forCoach = await coachApi.sessionNotes.forBooking({ bookingId: session.id });
    expect(forCoach).toMatchObject({
      viewer: "coach",
      privateNote: { body: "Ann seems tired; ask about work." },
      sharedNote: { body: "We set a wind-down routine at 22:00." },
    });

    const forClient = await annApi.sessionNotes.forBooking({ bookingId: session.id });
    expect(forClient).toMatchObject({
      viewer: "client",
      sharedNote: { body: "We set a wind-down routine at 22:00." },
      actionItems: [{ id: item.id, doneAt: null }],
      can: { editNotes: false, tickActionItems: true },
    });
    expect(forClient.files.map((f) => f.id)).toEqual([resource.id]);
    expect("privateNote" in forClient).toBe(false);
    expect(JSON.stringify(forClient)).not.toContain("tired");
    expect(JSON.stringify(await annApi.sessionNotes.history())).not.toContain("tired");

    // Only the coach writes notes, adds, removes or shares; only the client ticks.
    await expect(
      annApi.sessionNotes.saveNote({ bookingId: session.id, visibility: "SHARED", body: "Mine now" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(
      annApi.sessionNotes.addActionItem({ bookingId: session.id, text: "Self-assigned" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(annApi.sessionNotes.removeActionItem({ itemId: item.id })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(
      annApi.sessionNotes.uploadFile({ bookingId: session.id, kind: "RESOURCE", file: pdf() }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(coachApi.sessionNotes.setActionItemDone({ itemId: item.id, done: true })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    for (const stranger of [bob, otherCoach, foreignClient, foreignCoach]) {
      await expect(
        (await api(stranger)).sessionNotes.setActionItemDone({ itemId: item.id, done: true }),
      ).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect((await api(stranger)).sessionNotes.removeActionItem({ itemId: item.id })).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      await expect(
        (await api(stranger)).sessionNotes.saveNote({ bookingId: session.id, visibility: "PRIVATE", body: "x" }),
      ).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(
        (await api(stranger)).sessionNotes.addActionItem({ bookingId: session.id, text: "x" }),
      ).rejects.toMatchObject({ code: "NOT_FOUND" });
    }

    const done = await annApi.sessionNotes.setActionItemDone({ itemId: item.id, done: true });
    expect(done.doneAt).toEqual(app.clock.now());
    expect((await coachApi.sessionNotes.forBooking({ bookingId: session.id })).actionItems[0]!.doneAt).toEqual(
      app.clock.now(),
    );
    expect((await annApi.sessionNotes.setActionItemDone({ itemId: item.id, done: false })).doneAt).toBeNull();

    const extra = await coachApi.sessionNotes.addActionItem({ bookingId: session.id, text: "Remove me" });
    await coachApi.sessionNotes.removeActionItem({ itemId: extra.id });
    expect((await annApi.sessionNotes.forBooking({ bookingId: session.id })).actionItems.map((i) => i.text)).toEqual([
      "No screens after 22:00",
    ]);
  });

  it("refuses bad input with field errors and writes nothing", async () => {
    const session = await booking(otherCoach, ann.user.id, 5 * 60_000);
    const coachApi = await api(otherCoach);
    await expect(coachApi.sessionNotes.addActionItem({ bookingId: session.id, text: "   " })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(
      coachApi.sessionNotes.saveNote({ bookingId: session.id, visibility: "SHARED", body: "x".repeat(20_001) }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(coachApi.sessionNotes.forBooking({ bookingId: "not-an-id" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    expect(await app.db.actionItem.count({ where: { bookingId: session.id } })).toBe(0);
    expect(await app.db.sessionNote.count({ where: { bookingId: session.id } })).toBe(0);
  });
});

describe("the client's session history", () => {
  it("lists past sessions newest first, with the shared note, action items and files, and nothing else", async () => {
    const h = await createUser(app, tenant, "CLIENT", { name: "Hana" });
    const completed = await booking(coach, h.user.id, -72 * HOUR, "COMPLETED");
    const noShow = await booking(otherCoach, h.user.id, -48 * HOUR, "NO_SHOW");
    const endedConfirmed = await booking(coach, h.user.id, -2 * HOUR, "CONFIRMED");
    await booking(await createCoach(app, tenant), h.user.id, -30 * 60_000, "CONFIRMED"); // still running
    await booking(coach, h.user.id, 24 * HOUR, "CONFIRMED"); // upcoming
    await booking(coach, h.user.id, -24 * HOUR, "CANCELLED");
    await booking(coach, bob.user.id, -5 * HOUR, "COMPLETED"); // someone else's

    const coachApi = await api(coach);
    await coachApi.sessionNotes.saveNote({ bookingId: completed.id, visibility: "SHARED", body: "Good start." });
    await coachApi.sessionNotes.saveNote({
      bookingId: completed.id,
      visibility: "PRIVATE",
      body: "Secret observation",
    });
    await coachApi.sessionNotes.addActionItem({ bookingId: completed.id, text: "Walk daily" });
    await coachApi.sessionNotes.uploadFile({
      bookingId: completed.id,
      kind: "RESOURCE",
      file: named(pdf(), "walking.pdf"),
    });

    const history = await (await api(h)).sessionNotes.history();
    expect(history.map((b) => b.id)).toEqual([endedConfirmed.id, noShow.id, completed.id]);
    expect(history[2]).toMatchObject({
      status: "COMPLETED",
      coachProfile: { displayName: "Nora Notes" },
      sharedNote: { body: "Good start." },
      actionItems: [{ text: "Walk daily", doneAt: null }],
      files: [{ fileName: "walking.pdf", kind: "RESOURCE", mine: false }],
    });
    expect(history[1]).toMatchObject({
      status: "NO_SHOW",
      coachProfile: { displayName: "Otto Other" },
      sharedNote: null,
      actionItems: [],
      files: [],
    });
    expect(JSON.stringify(history)).not.toContain("Secret observation");
    expect(await (await api(foreignClient)).sessionNotes.history()).toEqual([]);
    // A coach's own client history is their bookings as a client: none here.
    expect(await coachApi.sessionNotes.history()).toEqual([]);
  });
});

describe("telling the other participant", () => {
  type Person = { user: { id: string } };
  const toUser = (p: Person, kind: string) =>
    app.db.notification.findMany({ where: { userId: p.user.id, kind }, orderBy: { createdAt: "asc" } });
  const pushedTo = (p: Person) =>
    app.realtime.events.filter(
      (e) => e.kind === "emitToUser" && e.args[0] === p.user.id && e.args[1] === "notification:new",
    ).length;
  const readAll = async (p: U) => (await api(p)).notifications.markAllRead();
  /** A coach in Amsterdam and a client in Tokyo, with a confirmed session starting in 10 minutes (notes are open). */
  async function pair() {
    const c = await createCoach(app, tenant, { name: "Pia Prep" });
    await app.db.user.update({ where: { id: c.user.id }, data: { timeZone: "Europe/Amsterdam" } });
    const client = await createUser(app, tenant, "CLIENT", { name: "Kai Client" });
    await app.db.user.update({ where: { id: client.user.id }, data: { timeZone: "Asia/Tokyo" } });
    const session = await booking(c, client.user.id, 10 * 60_000);
    return { c, client, session };
  }

  it("the shared note: once when first shared, the same unread notice brought up to date on a change, nothing for spacing or for the private note", async () => {
    const { c, client, session } = await pair();
    const coachApi = await api(c);
    const save = (visibility: "PRIVATE" | "SHARED", body: string) =>
      coachApi.sessionNotes.saveNote({ bookingId: session.id, visibility, body });

    await save("PRIVATE", "Kai seems anxious about the promotion.");
    await save("PRIVATE", "Kai seems anxious about the promotion; ask about sleep.");
    expect(await app.db.notification.count({ where: { userId: { in: [client.user.id, c.user.id] } } })).toBe(0);
    expect(pushedTo(client)).toBe(0);

    await save("SHARED", "");
    expect(await toUser(client, "session.shared_note")).toEqual([]);
    await save("SHARED", "We set a wind-down routine.");
    const [first, ...none] = await toUser(client, "session.shared_note");
    expect(none).toEqual([]);
    expect(first).toMatchObject({
      title: "Pia Prep shared a progress note",
      body: `About your session on ${inZone(session.startsAt, "Asia/Tokyo")}. Open the booking to read it.`,
      link: `/bookings/${session.id}`,
      readAt: null,
    });
    expect(pushedTo(client)).toBe(1);

    // Saved again with only different spacing: no news.
    await save("SHARED", "  We set a   wind-down routine.\n");
    expect(await toUser(client, "session.shared_note")).toEqual([first]);
    // Changed while the first notice is still unread: that notice is updated, not doubled, and not pushed again.
    await save("SHARED", "We set a wind-down routine at 22:00.");
    const updated = await toUser(client, "session.shared_note");
    expect(updated).toEqual([
      expect.objectContaining({ id: first!.id, title: "Pia Prep updated your progress note", readAt: null }),
    ]);
    expect(pushedTo(client)).toBe(1);
    expect(await (await api(client)).notifications.unreadCount()).toBe(1);

    // Once read, the next change is a new notice; clearing the note is none.
    await readAll(client);
    await save("SHARED", "We set a wind-down routine at 22:00, and a walk after lunch.");
    await save("SHARED", "   ");
    const after = await toUser(client, "session.shared_note");
    expect(after).toHaveLength(2);
    expect(after[1]).toMatchObject({ title: "Pia Prep updated your progress note", readAt: null });
    expect(pushedTo(client)).toBe(2);

    // Nothing about the private note ever reached the client, nor anything to the coach.
    const everything = await app.db.notification.findMany({ where: { userId: client.user.id } });
    expect(everything.every((n) => n.kind === "session.shared_note")).toBe(true);
    expect(JSON.stringify(everything)).not.toMatch(/anxious|promotion|sleep/);
    expect(await app.db.notification.count({ where: { userId: c.user.id } })).toBe(0);
  });

  it("action items: one unread notice per session for the client, kept up to date; none for ticking or removing", async () => {
    const { c, client, session } = await pair();
    const coachApi = await api(c);
    await coachApi.sessionNotes.addActionItem({ bookingId: session.id, text: "No screens after 22:00" });
    const [first] = await toUser(client, "session.action_items");
    expect(first).toMatchObject({
      title: "Action items from Pia Prep",
      body: `Added: “No screens after 22:00”. 1 action item is open from your session on ${inZone(session.startsAt, "Asia/Tokyo")}.`,
      link: `/bookings/${session.id}`,
    });
    const second = await coachApi.sessionNotes.addActionItem({ bookingId: session.id, text: "Walk 20 minutes a day" });
    expect(await toUser(client, "session.action_items")).toEqual([
      expect.objectContaining({
        id: first!.id,
        body: `Added: “Walk 20 minutes a day”. 2 action items are open from your session on ${inZone(session.startsAt, "Asia/Tokyo")}.`,
        readAt: null,
      }),
    ]);

    await readAll(client);
    await (await api(client)).sessionNotes.setActionItemDone({ itemId: second.id, done: true });
    await coachApi.sessionNotes.removeActionItem({ itemId: second.id });
    expect(
      await app.db.notification.count({ where: { userId: { in: [client.user.id, c.user.id] }, readAt: null } }),
    ).toBe(0);

    await coachApi.sessionNotes.addActionItem({ bookingId: session.id, text: "Journal for five minutes" });
    const all = await toUser(client, "session.action_items");
    expect(all).toHaveLength(2);
    expect(all[1]).toMatchObject({
      readAt: null,
      body: expect.stringContaining("Added: “Journal for five minutes”. 2 action items are open"),
    });
  });

  it("preparation files tell the other participant in their own zone, one unread notice per session and uploader's side; resources and unpaid holds do not", async () => {
    const { c, client, session } = await pair();
    const clientApi = await api(client);
    const coachApi = await api(c);
    await clientApi.sessionNotes.uploadFile({
      bookingId: session.id,
      kind: "PREPARATION",
      file: named(pdf(), "goals.pdf"),
    });
    expect(await toUser(c, "session.preparation")).toEqual([
      expect.objectContaining({
        title: "Kai Client added a preparation file",
        body: `For your session on ${inZone(session.startsAt, "Europe/Amsterdam")}: “goals.pdf”.`,
        link: `/bookings/${session.id}`,
        readAt: null,
      }),
    ]);
    await clientApi.sessionNotes.uploadFile({
      bookingId: session.id,
      kind: "PREPARATION",
      file: named(new Blob(["Questions\n"]), "questions.txt"),
    });
    expect(await toUser(c, "session.preparation")).toEqual([
      expect.objectContaining({
        title: "Kai Client added preparation files",
        body: `For your session on ${inZone(session.startsAt, "Europe/Amsterdam")}: “questions.txt”, “goals.pdf”.`,
        readAt: null,
      }),
    ]);
    // The uploader is not told about their own files.
    expect(await toUser(client, "session.preparation")).toEqual([]);

    await coachApi.sessionNotes.uploadFile({
      bookingId: session.id,
      kind: "PREPARATION",
      file: named(pdf(), "worksheet.pdf"),
    });
    expect(await toUser(client, "session.preparation")).toEqual([
      expect.objectContaining({
        title: "Pia Prep added a preparation file",
        body: `For your session on ${inZone(session.startsAt, "Asia/Tokyo")}: “worksheet.pdf”.`,
      }),
    ]);
    // A resource is not preparation.
    await coachApi.sessionNotes.uploadFile({
      bookingId: session.id,
      kind: "RESOURCE",
      file: named(pdf(), "reading.pdf"),
    });
    expect(await app.db.notification.count({ where: { userId: client.user.id } })).toBe(1);

    // A hold that is not paid yet may lapse: its files are not announced.
    const held = await app.db.booking.create({
      data: {
        tenantId: tenant.id,
        coachProfileId: c.profile.id,
        clientId: client.user.id,
        status: "PENDING",
        startsAt: new Date(app.clock.now().getTime() + 26 * HOUR),
        endsAt: new Date(app.clock.now().getTime() + 27 * HOUR),
        holdExpiresAt: new Date(app.clock.now().getTime() + 15 * 60_000),
      },
    });
    await clientApi.sessionNotes.uploadFile({
      bookingId: held.id,
      kind: "PREPARATION",
      file: named(pdf(), "early.pdf"),
    });
    expect(await app.db.notification.count({ where: { userId: c.user.id, link: `/bookings/${held.id}` } })).toBe(0);
  });

  it("concurrent news of one kind for one session, from several app nodes, still makes a single unread notice", async () => {
    const { c, client, session } = await pair();
    // Each "node" has its own database connections, as separate servers would.
    const nodes = Array.from({ length: 4 }, () => createDb(app.databaseUrl));
    try {
      const services = nodes.map((db) =>
        createNotificationService({
          db,
          realtime: app.realtime.notifier,
          log: createLogger("silent"),
          now: app.clock.now,
        } as ServiceDeps),
      );
      const notify = (i: number) =>
        services[i % services.length]!.notify({
          tenantId: tenant.id,
          userId: c.user.id,
          kind: "session.preparation",
          title: `News ${i}`,
          link: `/bookings/${session.id}`,
          coalesce: true,
        });
      for (let round = 0; round < 3; round++) {
        await Promise.all(Array.from({ length: 8 }, (_, i) => notify(i)));
        expect(
          await app.db.notification.count({
            where: { userId: c.user.id, kind: "session.preparation", link: `/bookings/${session.id}` },
          }),
        ).toBe(1);
      }
    } finally {
      await Promise.all(nodes.map((db) => db.$disconnect()));
    }
    // Another session's news is its own notice.
    const other = await booking(c, client.user.id, 5 * 24 * HOUR);
    await app.tandem.services.notifications.notify({
      tenantId: tenant.id,
      userId: c.user.id,
      kind: "session.preparation",
      title: "Other",
      link: `/bookings/${other.id}`,
      coalesce: true,
    });
    expect(await app.db.notification.count({ where: { userId: c.user.id, kind: "session.preparation" } })).toBe(2);
  });
});
