import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKeyring } from "@server/crypto/keyring.ts";
import { LocalDiskStorage } from "@server/integrations/storage/index.ts";
import { createLogger } from "@server/log.ts";
import { createChatService } from "@server/services/chat/service.ts";
import type { ServiceDeps } from "@server/services/deps.ts";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { createCoach, createCompletedBooking, createTenant, createUser } from "../helpers/factories.ts";

let app: TestApp;
let tenant: Awaited<ReturnType<typeof createTenant>>;
let other: Awaited<ReturnType<typeof createTenant>>;
type U = Awaited<ReturnType<typeof createUser>>;
type C = Awaited<ReturnType<typeof createCoach>>;
let coach: C, client: U, stranger: U, otherCoach: C, otherClient: U, foreign: U;
let booking: { id: string }, otherBooking: { id: string };
let uploadsDir: string;

const k1 = { id: "k1", key: randomBytes(32) };
const k2 = { id: "k2", key: randomBytes(32) };
const actor = (u: { user: { id: string } }, t = tenant) => ({ userId: u.user.id, tenantId: t.id });

/** A chat service over the test database with its own keyring and storage (for rotation). */
function chatWith(keys: { id: string; key: Buffer }[]) {
  const deps = {
    db: app.db,
    keyring: createKeyring(keys),
    storage: new LocalDiskStorage(uploadsDir),
    log: createLogger("silent"),
    realtime: app.realtime.notifier,
  } as unknown as ServiceDeps;
  return createChatService(deps);
}

const pdf = (extra = 0) =>
  Buffer.concat([Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\n"), Buffer.alloc(extra, 0x20), Buffer.from("\n%%EOF\n")]);

beforeAll(async () => {
  app = await createTestApp({ ENCRYPTION_KEYS: `k1:${k1.key.toString("base64")}` });
  uploadsDir = await mkdtemp(path.join(os.tmpdir(), "tandem-chat-uploads-"));
  tenant = await createTenant(app);
  other = await createTenant(app);
  coach = await createCoach(app, tenant, { name: "Chat Coach" });
  client = await createUser(app, tenant, "CLIENT", { name: "Chat Client" });
  stranger = await createUser(app, tenant);
  otherCoach = await createCoach(app, tenant, { name: "Other Coach" });
  otherClient = await createUser(app, tenant);
  foreign = await createUser(app, other);
  booking = await createCompletedBooking(app, coach, client.user.id);
  otherBooking = await createCompletedBooking(app, otherCoach, otherClient.user.id);
});

afterAll(async () => {
  await app?.close();
  if (uploadsDir) await rm(uploadsDir, { recursive: true, force: true });
});

const chat = () => app.tandem.services.chat;

async function freshThread() {
  const b = await createCompletedBooking(app, coach, client.user.id);
  return (await app.tandem.services.sessions.sessionThread(actor(client), b.id)).threadId;
}

describe("session threads", () => {
  it("has one thread per booking whose members are the booking's coach and client", async () => {
    const [fromClient, fromCoach] = await Promise.all([
      app.tandem.services.sessions.sessionThread(actor(client), booking.id),
      app.tandem.services.sessions.sessionThread(actor(coach), booking.id),
    ]);
    expect(fromClient.threadId).toBe(fromCoach.threadId);
    expect(fromClient.members.map((m) => m.userId).sort()).toEqual([client.user.id, coach.user.id].sort());
    expect(fromClient.members.find((m) => m.userId === coach.user.id)?.name).toBe("Chat Coach");
    expect(await app.db.thread.count({ where: { bookingId: booking.id } })).toBe(1);
    expect((await app.db.thread.findUniqueOrThrow({ where: { bookingId: booking.id } })).kind).toBe("SESSION");
  });

  it("refuses everyone else: a non-member, another booking's party, another tenant", async () => {
    const { threadId } = await app.tandem.services.sessions.sessionThread(actor(client), booking.id);
    await chat().send(actor(client), { threadId, clientMessageId: "auth-1", text: "private" });
    const before = (await app.db.thread.findUniqueOrThrow({ where: { id: threadId } })).lastSeq;
    for (const outsider of [stranger, otherCoach, otherClient]) {
      await expect(app.tandem.services.sessions.sessionThread(actor(outsider), booking.id)).rejects.toMatchObject({
        code: "FORBIDDEN",
      });
      await expect(chat().history(actor(outsider), { threadId })).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(
        chat().send(actor(outsider), { threadId, clientMessageId: "intruder", text: "hi" }),
      ).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(chat().markRead(actor(outsider), threadId, 1)).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(chat().member(actor(outsider), threadId)).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    // The other booking's coach is a coach in the same tenant, and still not a member.
    await expect(app.tandem.services.sessions.sessionThread(actor(otherCoach), booking.id)).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(app.tandem.services.sessions.sessionThread(actor(foreign, other), booking.id)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(chat().history(actor(foreign, other), { threadId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(
      chat().send(actor(foreign, other), { threadId, clientMessageId: "x", text: "hi" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    // A member acting in another tenant does not see it either.
    await expect(chat().history({ userId: client.user.id, tenantId: other.id }, { threadId })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(chat().history(actor(client), { threadId: "not-a-uuid" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect((await app.db.thread.findUniqueOrThrow({ where: { id: threadId } })).lastSeq).toBe(before);
    expect(await app.db.message.count({ where: { threadId, clientMessageId: { in: ["intruder", "x"] } } })).toBe(0);
    // The other booking's thread exists for its own parties only.
    await expect(app.tandem.services.sessions.sessionThread(actor(client), otherBooking.id)).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });
});

describe("sending", () => {
  it("orders concurrent sends by a gapless server sequence", async () => {
    const threadId = await freshThread();
    const sends = Array.from({ length: 40 }, (_, i) =>
      chat().send(actor(i % 2 ? coach : client), { threadId, clientMessageId: `c-${i}`, text: `message ${i}` }),
    );
    const results = await Promise.all(sends);
    const seqs = results.map((r) => r.message.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(results.every((r) => r.created)).toBe(true);
    const history = await chat().history(actor(coach), { threadId, limit: 100 });
    expect(history.messages.map((m) => m.seq)).toEqual(seqs);
    // Each message kept its own text under its seq.
    for (const r of results) expect(history.messages.find((m) => m.seq === r.message.seq)?.text).toBe(r.message.text);
    expect((await app.db.thread.findUniqueOrThrow({ where: { id: threadId } })).lastSeq).toBe(40);
  });

  it("stores a resend with the same clientMessageId once, even when both arrive together", async () => {
    const threadId = await freshThread();
    const first = await chat().send(actor(client), { threadId, clientMessageId: "same", text: "once" });
    const again = await chat().send(actor(client), { threadId, clientMessageId: "same", text: "once" });
    expect(again.created).toBe(false);
    expect(again.message).toMatchObject({ id: first.message.id, seq: first.message.seq, text: "once" });
    const racing = await Promise.all(
      Array.from({ length: 5 }, () =>
        chat().send(actor(coach), { threadId, clientMessageId: "race", text: "together" }),
      ),
    );
    expect(new Set(racing.map((r) => r.message.id)).size).toBe(1);
    expect(racing.filter((r) => r.created)).toHaveLength(1);
    // The same id from the other member is a different message.
    const coachSame = await chat().send(actor(coach), { threadId, clientMessageId: "same", text: "mine" });
    expect(coachSame.created).toBe(true);
    expect(await app.db.message.count({ where: { threadId } })).toBe(3);
    // No seq was used up by the refused duplicates.
    expect((await chat().history(actor(client), { threadId })).messages.map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it("sorts out a batch that mixes members, outsiders and a resend: only new members' messages take seqs", async () => {
    const threadId = await freshThread();
    const stored = await chat().send(actor(client), { threadId, clientMessageId: "mix-0", text: "first" });
    // Sent in one tick, so they are stored by one statement.
    const outcomes = await Promise.allSettled([
      chat().send(actor(coach), { threadId, clientMessageId: "mix-1", text: "one" }),
      chat().send(actor(stranger), { threadId, clientMessageId: "mix-2", text: "intruder" }),
      chat().send(actor(client), { threadId, clientMessageId: "mix-0", text: "first" }),
      chat().send(actor(foreign, other), { threadId, clientMessageId: "mix-3", text: "foreign" }),
      chat().send(actor(client), { threadId, clientMessageId: "mix-4", text: "two" }),
    ]);
    const [one, intruder, resend, alien, two] = outcomes;
    expect(one).toMatchObject({ status: "fulfilled", value: { created: true, message: { seq: 2, text: "one" } } });
    expect(intruder).toMatchObject({ status: "rejected", reason: { code: "FORBIDDEN" } });
    expect(resend).toMatchObject({
      status: "fulfilled",
      value: { created: false, message: { id: stored.message.id, seq: 1 } },
    });
    expect(alien).toMatchObject({ status: "rejected", reason: { code: "NOT_FOUND" } });
    expect(two).toMatchObject({ status: "fulfilled", value: { created: true, message: { seq: 3, text: "two" } } });
    expect((await chat().history(actor(coach), { threadId })).messages.map((m) => [m.seq, m.text])).toEqual([
      [1, "first"],
      [2, "one"],
      [3, "two"],
    ]);
    expect((await app.db.thread.findUniqueOrThrow({ where: { id: threadId } })).lastSeq).toBe(3);
  });

  it("refuses an empty message", async () => {
    const threadId = await freshThread();
    await expect(chat().send(actor(client), { threadId, clientMessageId: "e", text: "   " })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    expect(await app.db.message.count({ where: { threadId } })).toBe(0);
  });
});

describe("history", () => {
  it("pages newest first by seq, and resumes after a seq", async () => {
    const threadId = await freshThread();
    for (let i = 1; i <= 120; i++)
      await chat().send(actor(i % 3 ? client : coach), { threadId, clientMessageId: `p-${i}`, text: `#${i}` });
    const newest = await chat().history(actor(client), { threadId, limit: 50 });
    expect(newest.messages.map((m) => m.seq)).toEqual(Array.from({ length: 50 }, (_, i) => 71 + i));
    expect(newest.hasMore).toBe(true);
    const earlier = await chat().history(actor(client), { threadId, limit: 50, beforeSeq: 71 });
    expect(earlier.messages.map((m) => m.seq)).toEqual(Array.from({ length: 50 }, (_, i) => 21 + i));
    const first = await chat().history(actor(client), { threadId, limit: 50, beforeSeq: 21 });
    expect(first.messages.map((m) => m.text)).toEqual(Array.from({ length: 20 }, (_, i) => `#${i + 1}`));
    expect(first.hasMore).toBe(false);
    const resume = await chat().history(actor(coach), { threadId, afterSeq: 100 });
    expect(resume.messages.map((m) => m.seq)).toEqual(Array.from({ length: 20 }, (_, i) => 101 + i));
    expect(resume.hasMore).toBe(false);
    const capped = await chat().after(threadId, 0, 30);
    expect(capped.messages).toHaveLength(30);
    expect(capped.hasMore).toBe(true);
  });
});

describe("read receipts", () => {
  it("only move forward, and never past the newest message", async () => {
    const threadId = await freshThread();
    for (let i = 1; i <= 12; i++)
      await chat().send(actor(coach), { threadId, clientMessageId: `r-${i}`, text: `${i}` });
    expect(await chat().markRead(actor(client), threadId, 10)).toEqual({ lastReadSeq: 10 });
    expect(await chat().markRead(actor(client), threadId, 5)).toEqual({ lastReadSeq: 10 });
    expect(await chat().markRead(actor(client), threadId, 999)).toEqual({ lastReadSeq: 12 });
    const read = await app.db.threadMember.findUniqueOrThrow({
      where: { threadId_userId: { threadId, userId: client.user.id } },
    });
    expect(read.lastReadSeq).toBe(12);
    // The coach's own position is untouched.
    expect(
      (await app.db.threadMember.findUniqueOrThrow({ where: { threadId_userId: { threadId, userId: coach.user.id } } }))
        .lastReadSeq,
    ).toBe(0);
  });
});

describe("encryption at rest", () => {
  it("stores sealed bytes, not the text, bound to the thread", async () => {
    const threadId = await freshThread();
    const secret = `the secret plan ${randomBytes(4).toString("hex")}`;
    const { message } = await chat().send(actor(client), { threadId, clientMessageId: "enc", text: secret });
    const [row] = await app.db.$queryRaw<
      { body: Uint8Array; keyId: string }[]
    >`SELECT "body", "keyId" FROM "Message" WHERE "id" = ${message.id}::uuid`;
    const stored = Buffer.from(row!.body);
    expect(row!.keyId).toBe("k1");
    expect(stored.includes(Buffer.from(secret))).toBe(false);
    expect(stored.toString("latin1")).not.toContain("secret plan");
    expect(stored.length).toBeGreaterThan(secret.length + 28);
    // The same bytes copied into another thread do not open there.
    const elsewhere = await freshThread();
    await chat().send(actor(client), { threadId: elsewhere, clientMessageId: "copy", text: "placeholder" });
    await app.db.$executeRaw`UPDATE "Message" SET "body" = ${stored} WHERE "threadId" = ${elsewhere}::uuid`;
    expect((await chat().history(actor(client), { threadId: elsewhere })).messages[0]!.text).toBe("");
    expect((await chat().history(actor(client), { threadId })).messages[0]!.text).toBe(secret);
  });

  it("keeps old messages readable after a key rotation, and re-encrypts them on request", async () => {
    const threadId = await freshThread();
    const before = chatWith([k1]);
    await before.send(actor(client), { threadId, clientMessageId: "old", text: "sealed with k1" });
    const rotated = chatWith([k2, k1]);
    await rotated.send(actor(coach), { threadId, clientMessageId: "new", text: "sealed with k2" });
    expect((await rotated.history(actor(client), { threadId })).messages.map((m) => m.text)).toEqual([
      "sealed with k1",
      "sealed with k2",
    ]);
    expect(
      (await app.db.message.findMany({ where: { threadId }, orderBy: { seq: "asc" } })).map((m) => m.keyId),
    ).toEqual(["k1", "k2"]);
    // Without k1 the old message cannot be read until it is re-encrypted.
    expect((await chatWith([k2]).history(actor(client), { threadId })).messages.map((m) => m.text)).toEqual([
      "",
      "sealed with k2",
    ]);
    expect(await rotated.reencryptThread(threadId)).toBe(1);
    expect((await chatWith([k2]).history(actor(client), { threadId })).messages.map((m) => m.text)).toEqual([
      "sealed with k1",
      "sealed with k2",
    ]);
    expect((await app.db.message.findMany({ where: { threadId } })).every((m) => m.keyId === "k2")).toBe(true);
  });
});

describe("attachments", () => {
  it("accepts a real PDF, seals it in storage and gives it to members only", async () => {
    const threadId = await freshThread();
    const service = chatWith([k1]);
    const bytes = pdf(100);
    const up = await service.uploadAttachment(actor(client), threadId, { bytes, name: "plan.pdf" });
    expect(up).toMatchObject({ name: "plan.pdf", type: "application/pdf", size: bytes.length });
    const { message } = await service.send(actor(client), {
      threadId,
      clientMessageId: "att",
      text: "",
      attachmentId: up.attachmentId,
    });
    expect(message.attachment).toEqual({ name: "plan.pdf", type: "application/pdf", size: bytes.length });
    const got = await service.attachment(actor(coach), message.id);
    expect(Buffer.compare(got.bytes, bytes)).toBe(0);
    expect(got.type).toBe("application/pdf");
    // Stored sealed: the file on disk is not the PDF.
    const row = await app.db.message.findUniqueOrThrow({ where: { id: message.id } });
    const onDisk = await readFile(path.join(uploadsDir, row.attachmentKey!));
    expect(onDisk.includes(Buffer.from("%PDF"))).toBe(false);
    await expect(service.attachment(actor(stranger), message.id)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(service.attachment(actor(foreign, other), message.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(service.uploadAttachment(actor(stranger), threadId, { bytes, name: "x.pdf" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });

  it("checks the real type and the size", async () => {
    const threadId = await freshThread();
    const service = chatWith([k1]);
    const files = (await readdir(uploadsDir, { recursive: true })).length;
    await expect(
      service.uploadAttachment(actor(client), threadId, {
        bytes: Buffer.from("just text pretending to be a pdf"),
        name: "fake.pdf",
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const zip = Buffer.from("504b0304140000000800", "hex");
    await expect(
      service.uploadAttachment(actor(client), threadId, {
        bytes: Buffer.concat([zip, Buffer.alloc(100)]),
        name: "a.pdf",
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      service.uploadAttachment(actor(client), threadId, { bytes: pdf(10 * 1024 * 1024), name: "big.pdf" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/limit is 10 MB/) });
    expect((await readdir(uploadsDir, { recursive: true })).length).toBe(files);
  });

  it("refuses an attachment id from another thread or another sender", async () => {
    const threadId = await freshThread();
    const elsewhere = await freshThread();
    const service = chatWith([k1]);
    const up = await service.uploadAttachment(actor(client), threadId, { bytes: pdf(), name: "a.pdf" });
    await expect(
      service.send(actor(client), { threadId: elsewhere, clientMessageId: "moved", attachmentId: up.attachmentId }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      service.send(actor(coach), { threadId, clientMessageId: "borrowed", attachmentId: up.attachmentId }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      service.send(actor(client), { threadId, clientMessageId: "forged", attachmentId: "Zm9yZ2Vk" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await app.db.message.count({ where: { threadId: { in: [threadId, elsewhere] } } })).toBe(0);
  });
});
