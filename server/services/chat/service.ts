import { randomUUID } from "node:crypto";
import type { ChatMessage } from "@realtime/contracts.ts";
import { DecryptionError } from "@server/crypto/keyring.ts";
import { Prisma, preparedQuery } from "@server/db/client.ts";
import { AppError, forbidden, notFound } from "@server/errors.ts";
import { isUniqueViolation } from "@server/db/constraint-errors.ts";
import { formatBytes, inspectUpload, UPLOAD_TYPES, type UploadType } from "@server/integrations/storage/uploads.ts";
import type { MessageKind, ThreadKind } from "@server/db/generated/enums.ts";
import type { Actor } from "@server/policies/coaching.ts";
import { isThreadMember, type ParticipantRole } from "@server/policies/participants.ts";
import type { ServiceDeps } from "../deps.ts";

/** Who a chat operation is done by: a user acting in one tenant. */
export type ChatActor = Pick<Actor, "userId" | "tenantId">;

export const ATTACHMENT_TYPES = [
  "image/jpeg",
  "image/png",
  "image/webp",
  "application/pdf",
] as const satisfies readonly UploadType[];
export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
/** Most messages one history page or one resume answer carries. */
export const PAGE_MAX = 200;

interface MessageRow {
  id: string;
  threadId: string;
  seq: number;
  kind?: MessageKind;
  senderId: string;
  clientMessageId: string;
  body: Uint8Array;
  attachmentName: string | null;
  attachmentType: string | null;
  attachmentSize: number | null;
  createdAt: Date;
}

/** What an attachment id stands for: sealed, so a client can neither forge nor alter it. */
interface AttachmentTicket {
  k: string;
  n: string;
  t: string;
  s: number;
  u: string;
}

type SendInput = { threadId: string; clientMessageId: string; text?: string; attachmentId?: string };
type Sent = { message: ChatMessage; created: boolean };
interface Job {
  actor: ChatActor;
  input: SendInput;
  text: string;
  ticket: AttachmentTicket | null;
  resolve: (sent: Sent) => void;
  reject: (error: unknown) => void;
}
/** Most messages stored by one statement. */
const BATCH_MAX = 500;

/**
 * Threads and their messages. A thread is addressed by its own id whatever its kind (SESSION for
 * a booking, later TASK, GROUP, DIRECT); the domain that owns it creates it with its members
 * (`openThread`), and every operation here checks membership with the participants policy. A
 * stored message is broadcast to the thread's members here, through the realtime notifier, so
 * a message sent by any path (socket, tRPC, a job) reaches them. Each message gets the next
 * `seq` of its thread in the same statement that stores it, so the order is the server's and a
 * member resumes by asking for everything after the last seq it saw. Bodies are sealed with the
 * keyring (AES-256-GCM) bound to the thread id; attachments are sealed the same way in storage.
 */
export function createChatService(deps: ServiceDeps) {
  const { db, keyring, storage, realtime } = deps;

  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  const threadContext = (threadId: string) => `thread:${threadId}`;

  function toMessage(row: MessageRow): ChatMessage {
    let text: string;
    try {
      text = keyring.open(row.body, threadContext(row.threadId)).toString("utf8");
    } catch (error) {
      if (!(error instanceof DecryptionError)) throw error;
      deps.log.error("chat: a message could not be decrypted", { messageId: row.id, reason: error.message });
      text = "";
    }
    return {
      id: row.id,
      threadId: row.threadId,
      seq: row.seq,
      senderId: row.senderId,
      clientMessageId: row.clientMessageId,
      ...(row.kind && row.kind !== "TEXT" ? { kind: row.kind } : {}),
      text,
      attachment:
        row.attachmentName && row.attachmentType
          ? { name: row.attachmentName, type: row.attachmentType, size: row.attachmentSize ?? 0 }
          : null,
      createdAt: row.createdAt.toISOString(),
    };
  }

  const messageSelect = {
    id: true,
    threadId: true,
    seq: true,
    kind: true,
    senderId: true,
    clientMessageId: true,
    body: true,
    attachmentName: true,
    attachmentType: true,
    attachmentSize: true,
    createdAt: true,
  } as const;

  /** The thread, when the actor is one of its members in their tenant; otherwise NOT_FOUND or FORBIDDEN. */
  async function memberThread(actor: ChatActor, threadId: string) {
    if (!UUID.test(threadId)) throw notFound("That conversation");
    const thread = await db.thread.findFirst({
      where: { id: threadId, tenantId: actor.tenantId },
      select: {
        id: true,
        tenantId: true,
        kind: true,
        lastSeq: true,
        bookingId: true,
        members: { select: { userId: true, role: true, lastReadSeq: true } },
      },
    });
    if (!thread) throw notFound("That conversation");
    if (!isThreadMember(actor, thread)) throw forbidden("You are not a member of this conversation.");
    return thread;
  }

  function openTicket(actor: ChatActor, threadId: string, attachmentId: string): AttachmentTicket {
    try {
      const ticket = JSON.parse(keyring.openText(attachmentId, `chat-attachment:${threadId}`)) as AttachmentTicket;
      if (ticket.u !== actor.userId) throw new Error("another sender");
      return ticket;
    } catch {
      throw new AppError("BAD_REQUEST", "That attachment is not valid here; upload the file again.", {
        attachmentId: ["Upload the file again."],
      });
    }
  }

  /** One message in its own statement: the path for a batch that met a resend (unique violation). */
  async function sendOne(
    actor: ChatActor,
    input: SendInput,
    text: string,
    ticket: AttachmentTicket | null,
  ): Promise<Sent> {
    const id = randomUUID();
    const body = keyring.seal(text, threadContext(input.threadId));
    let rows: { seq: number; createdAt: Date }[];
    try {
      rows = await db.$queryRaw<{ seq: number; createdAt: Date }[]>`
        WITH t AS (
          UPDATE "Thread" SET "lastSeq" = "lastSeq" + 1
          WHERE "id" = ${input.threadId}::uuid AND "tenantId" = ${actor.tenantId}::uuid
            AND EXISTS (SELECT 1 FROM "ThreadMember" m WHERE m."threadId" = ${input.threadId}::uuid AND m."userId" = ${actor.userId}::uuid)
          RETURNING "lastSeq"
        )
        INSERT INTO "Message" ("id", "threadId", "tenantId", "seq", "senderId", "clientMessageId", "body", "keyId", "attachmentKey", "attachmentName", "attachmentType", "attachmentSize")
        SELECT ${id}::uuid, ${input.threadId}::uuid, ${actor.tenantId}::uuid, t."lastSeq", ${actor.userId}::uuid, ${input.clientMessageId}, ${body}, ${keyring.currentKeyId},
               ${ticket?.k ?? null}, ${ticket?.n ?? null}, ${ticket?.t ?? null}, ${ticket?.s ?? null}::int
        FROM t
        RETURNING "seq", "createdAt"`;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // A resend after a lost ack: the first copy stands (the whole statement rolled back).
      const existing = await db.message.findUnique({
        where: {
          threadId_senderId_clientMessageId: {
            threadId: input.threadId,
            senderId: actor.userId,
            clientMessageId: input.clientMessageId,
          },
        },
        select: messageSelect,
      });
      if (!existing) throw error;
      return { message: toMessage(existing), created: false };
    }
    const row = rows[0];
    if (!row) {
      await memberThread(actor, input.threadId); // throws NOT_FOUND or FORBIDDEN
      throw forbidden("You are not a member of this conversation.");
    }
    const message: ChatMessage = {
      id,
      threadId: input.threadId,
      seq: row.seq,
      senderId: actor.userId,
      clientMessageId: input.clientMessageId,
      text,
      attachment: ticket ? { name: ticket.n, type: ticket.t, size: ticket.s } : null,
      createdAt: row.createdAt.toISOString(),
    };
    return { message, created: true };
  }

  /**
   * Sends wait in a queue per thread while a statement for that thread is running; the next
   * statement then stores all of them at once (group commit). A thread's sends are serialised
   * by its row lock and each commit waits for the disk, so one message per statement would cap
   * a thread at one message per commit; batching keeps the order and the gapless seqs and lets
   * many messages share one commit.
   */
  const queues = new Map<string, Job[]>();

  function enqueue(job: Job) {
    const waiting = queues.get(job.input.threadId);
    if (waiting) return void waiting.push(job);
    const jobs = [job];
    queues.set(job.input.threadId, jobs);
    void drain(job.input.threadId, jobs);
  }

  async function drain(threadId: string, jobs: Job[]) {
    // Let the sends that arrived in the same tick join the first batch.
    await new Promise((resolve) => setImmediate(resolve));
    while (jobs.length > 0) {
      const batch = jobs.splice(0, BATCH_MAX);
      await storeBatch(threadId, batch).catch((error: unknown) => {
        for (const job of batch) job.reject(error);
      });
    }
    queues.delete(threadId);
  }

  /**
   * Stores a batch of one thread's sends with one statement: membership (tenant and member), the
   * messages of the batch already stored (resends after a lost ack), the seq increment under the
   * thread's row lock and the insert. Only the rare sends it did not store (a resend, a non-member)
   * cost further queries, to find the stored copy or the right refusal.
   */
  async function storeBatch(threadId: string, batch: Job[]) {
    // A clientMessageId its sender repeats within the batch is stored once.
    const accepted: Job[] = [];
    const first = new Map<string, Job>();
    const repeats: [Job, Job][] = [];
    for (const job of batch) {
      const key = `${job.actor.userId}\u0000${job.input.clientMessageId}`;
      const earlier = first.get(key);
      if (earlier) repeats.push([job, earlier]);
      else {
        first.set(key, job);
        accepted.push(job);
      }
    }
    const ids = accepted.map(() => randomUUID());
    const bodies = accepted.map((j) => keyring.seal(j.text, threadContext(threadId)).toString("base64"));
    let rows: { id: string; seq: number; createdAt: Date }[];
    try {
      rows = await preparedQuery<{ id: string; seq: number; createdAt: Date }>(
        db,
        "chat_store_batch",
        Prisma.sql`
        WITH v AS (
          SELECT * FROM unnest(
            ${ids}::uuid[], ${accepted.map((_, i) => i + 1)}::int[], ${accepted.map((j) => j.actor.userId)}::uuid[], ${accepted.map((j) => j.actor.tenantId)}::uuid[],
            ${accepted.map((j) => j.input.clientMessageId)}::text[], ${bodies}::text[],
            ${accepted.map((j) => j.ticket?.k ?? null)}::text[], ${accepted.map((j) => j.ticket?.n ?? null)}::text[], ${accepted.map((j) => j.ticket?.t ?? null)}::text[], ${accepted.map((j) => j.ticket?.s ?? null)}::int[]
          ) AS v(id, ord, sender, tenant, cmid, body, akey, aname, atype, asize)
        ),
        ok AS MATERIALIZED (
          SELECT v.*, row_number() OVER (ORDER BY v.ord)::int AS rn
            FROM v
            JOIN "Thread" th ON th."id" = ${threadId}::uuid AND th."tenantId" = v.tenant
            JOIN "ThreadMember" m ON m."threadId" = th."id" AND m."userId" = v.sender
           WHERE NOT EXISTS (SELECT 1 FROM "Message" x WHERE x."threadId" = th."id" AND x."senderId" = v.sender AND x."clientMessageId" = v.cmid)
        ),
        n AS (SELECT count(*)::int AS n FROM ok),
        t AS (
          UPDATE "Thread" SET "lastSeq" = "lastSeq" + n.n FROM n WHERE "id" = ${threadId}::uuid AND n.n > 0 RETURNING "lastSeq", "tenantId", n.n
        )
        INSERT INTO "Message" ("id", "threadId", "tenantId", "seq", "senderId", "clientMessageId", "body", "keyId", "attachmentKey", "attachmentName", "attachmentType", "attachmentSize")
        SELECT ok.id, ${threadId}::uuid, t."tenantId", t."lastSeq" - t.n + ok.rn, ok.sender, ok.cmid, decode(ok.body, 'base64'), ${keyring.currentKeyId}, ok.akey, ok.aname, ok.atype, ok.asize
          FROM ok, t
        RETURNING "id", "seq", "createdAt"`,
      );
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // A resend stored by another node meanwhile: store this batch one by one.
      for (const job of accepted)
        await sendOne(job.actor, job.input, job.text, job.ticket).then(job.resolve, job.reject);
      for (const [job, earlier] of repeats)
        await sendOne(job.actor, job.input, earlier.text, earlier.ticket).then(job.resolve, job.reject);
      return;
    }
    const byId = new Map(rows.map((r) => [r.id, r]));
    const results = new Map<Job, ChatMessage>();
    const notStored: Job[] = [];
    accepted.forEach((job, i) => {
      const row = byId.get(ids[i]!);
      if (!row) return void notStored.push(job);
      const message: ChatMessage = {
        id: row.id,
        threadId,
        seq: row.seq,
        senderId: job.actor.userId,
        clientMessageId: job.input.clientMessageId,
        text: job.text,
        attachment: job.ticket ? { name: job.ticket.n, type: job.ticket.t, size: job.ticket.s } : null,
        createdAt: row.createdAt.toISOString(),
      };
      results.set(job, message);
      job.resolve({ message, created: true });
    });
    if (notStored.length > 0) {
      // Already stored (a resend: answer with the first copy), or refused (not a member, another tenant).
      const stored = await db.message.findMany({
        where: { threadId, clientMessageId: { in: [...new Set(notStored.map((j) => j.input.clientMessageId))] } },
        select: messageSelect,
      });
      const already = new Map(stored.map((m) => [`${m.senderId}\u0000${m.clientMessageId}`, m]));
      for (const job of notStored) {
        const existing = already.get(`${job.actor.userId}\u0000${job.input.clientMessageId}`);
        if (existing) {
          const message = toMessage(existing);
          results.set(job, message);
          job.resolve({ message, created: false });
        } else {
          await memberThread(job.actor, threadId).then(
            () => job.reject(forbidden("You are not a member of this conversation.")),
            (error: unknown) => job.reject(error),
          );
        }
      }
    }
    for (const [job, earlier] of repeats) {
      const message = results.get(earlier);
      if (message) job.resolve({ message, created: false });
      else job.reject(notFound("That conversation"));
    }
  }

  const service = {
    /**
     * The thread its owner keys by `bookingId` (a booking's SESSION thread), created with these
     * members on first use; returns its id. For the owning domain, which has checked who may
     * open it; concurrent first uses end with one thread.
     */
    async openThread(input: {
      tenantId: string;
      kind: ThreadKind;
      bookingId: string;
      title?: string;
      members: { userId: string; role: ParticipantRole }[];
    }): Promise<string> {
      const existing = await db.thread.findUnique({ where: { bookingId: input.bookingId }, select: { id: true } });
      if (existing) return existing.id;
      try {
        const created = await db.thread.create({
          data: {
            tenantId: input.tenantId,
            kind: input.kind,
            bookingId: input.bookingId,
            title: input.title ?? "",
            members: { create: input.members.map((m) => ({ userId: m.userId, role: m.role })) },
          },
          select: { id: true },
        });
        return created.id;
      } catch (error) {
        // Both parties opened it at the same moment: use the thread the other created.
        if (!isUniqueViolation(error)) throw error;
        return (await db.thread.findUniqueOrThrow({ where: { bookingId: input.bookingId }, select: { id: true } })).id;
      }
    },

    /**
     * A thread for one of its members: kind, last seq, and the members with their names, parts
     * and read positions (what the chat panel shows). NOT_FOUND or FORBIDDEN otherwise.
     */
    async thread(actor: ChatActor, threadId: string) {
      const thread = await memberThread(actor, threadId);
      const ids = thread.members.map((m) => m.userId);
      const [users, coaches] = await Promise.all([
        db.user.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } }),
        db.coachProfile.findMany({
          where: { tenantId: thread.tenantId, userId: { in: ids } },
          select: { userId: true, displayName: true },
        }),
      ]);
      const userName = new Map(users.map((u) => [u.id, u.name]));
      const coachName = new Map(coaches.map((c) => [c.userId, c.displayName]));
      // A coach (or a host) is shown under their profile's name, everyone else under their own.
      const name = (m: { userId: string; role: string }) =>
        (m.role === "coach" || m.role === "host" ? coachName.get(m.userId) : undefined) ??
        userName.get(m.userId) ??
        (m.role === "client" ? "Client" : "Member");
      return {
        threadId: thread.id,
        kind: thread.kind,
        lastSeq: thread.lastSeq,
        viewerId: actor.userId,
        members: thread.members.map((m) => ({
          userId: m.userId,
          name: name(m),
          role: m.role as ParticipantRole,
          lastReadSeq: m.lastReadSeq,
        })),
      };
    },

    /** The thread with its members' read positions, when the actor is a member (else NOT_FOUND or FORBIDDEN). */
    member: memberThread,

    /**
     * A new thread of a kind owned by another domain (DIRECT for a coaching relationship, TASK,
     * GROUP) with these members. Pass the owner's transaction so the thread and its owner are
     * written together.
     */
    async createThread(
      input: {
        tenantId: string;
        kind: "DIRECT" | "TASK" | "GROUP";
        members: { userId: string; role: ParticipantRole }[];
        title?: string;
      },
      tx?: Prisma.TransactionClient,
    ) {
      const members = input.members.filter((m, i) => input.members.findIndex((n) => n.userId === m.userId) === i);
      const thread = await (tx ?? db).thread.create({
        data: {
          tenantId: input.tenantId,
          kind: input.kind,
          title: input.title ?? "",
          members: { create: members.map((m) => ({ userId: m.userId, role: m.role })) },
        },
        select: { id: true },
      });
      return { threadId: thread.id };
    },

    /** Messages after `afterSeq`, oldest first (resume); callers have checked membership. */
    async after(threadId: string, afterSeq: number, limit = PAGE_MAX) {
      const take = Math.min(Math.max(1, limit), PAGE_MAX);
      const rows = await db.message.findMany({
        where: { threadId, seq: { gt: afterSeq } },
        orderBy: { seq: "asc" },
        take: take + 1,
        select: messageSelect,
      });
      return { messages: rows.slice(0, take).map(toMessage), hasMore: rows.length > take };
    },

    /**
     * One page of history, oldest first within the page. Without `beforeSeq` the newest page;
     * with it, the page just before; with `afterSeq`, the messages after it (resume).
     */
    async history(
      actor: ChatActor,
      input: { threadId: string; beforeSeq?: number; afterSeq?: number; limit?: number },
    ) {
      await memberThread(actor, input.threadId);
      if (input.afterSeq !== undefined) return service.after(input.threadId, input.afterSeq, input.limit);
      const take = Math.min(Math.max(1, input.limit ?? 50), PAGE_MAX);
      const rows = await db.message.findMany({
        where: { threadId: input.threadId, ...(input.beforeSeq !== undefined ? { seq: { lt: input.beforeSeq } } : {}) },
        orderBy: { seq: "desc" },
        take: take + 1,
        select: messageSelect,
      });
      return { messages: rows.slice(0, take).reverse().map(toMessage), hasMore: rows.length > take };
    },

    /**
     * Stores a message with the thread's next seq: the seq increment and the insert are one SQL
     * statement (one transaction, the thread row locked for its duration), so concurrent senders
     * get distinct, gapless seqs, also across server nodes. Sends to one thread that arrive
     * while a statement for it runs are stored together by the next one (see `enqueue`). Sending
     * again with the same `clientMessageId` returns the stored message (`created: false`)
     * instead of a second copy.
     */
    async send(actor: ChatActor, input: SendInput): Promise<Sent> {
      const text = (input.text ?? "").trim();
      if (!text && !input.attachmentId)
        throw new AppError("BAD_REQUEST", "Write a message or attach a file.", {
          text: ["Write a message or attach a file."],
        });
      if (text.length > 4000)
        throw new AppError("BAD_REQUEST", "Messages are at most 4,000 characters.", {
          text: ["Messages are at most 4,000 characters."],
        });
      if (!UUID.test(input.threadId)) throw notFound("That conversation");
      const ticket = input.attachmentId ? openTicket(actor, input.threadId, input.attachmentId) : null;
      const sent = await new Promise<Sent>((resolve, reject) =>
        enqueue({ actor, input, text, ticket, resolve, reject }),
      );
      // To every member's socket in the thread, on every node. A resend of a stored message was
      // delivered the first time (the ack is what was lost), so it is not broadcast again.
      if (sent.created) realtime.emitToThread(input.threadId, "chat:message", sent.message);
      return sent;
    },

    /** Moves the actor's read position forward (never back, never past the last message). */
    async markRead(actor: ChatActor, threadId: string, seq: number) {
      const rows = await db.$queryRaw<{ lastReadSeq: number }[]>`
        UPDATE "ThreadMember" m SET "lastReadSeq" = GREATEST(m."lastReadSeq", LEAST(${seq}::int, t."lastSeq"))
        FROM "Thread" t
        WHERE m."threadId" = ${threadId}::uuid AND m."userId" = ${actor.userId}::uuid AND t."id" = m."threadId" AND t."tenantId" = ${actor.tenantId}::uuid
        RETURNING m."lastReadSeq"`;
      if (!rows[0]) {
        await memberThread(actor, threadId);
        throw forbidden("You are not a member of this conversation.");
      }
      return { lastReadSeq: rows[0].lastReadSeq };
    },

    /**
     * Stores a file for a message the actor is about to send: the type comes from the bytes,
     * the size is capped, the content is sealed. The answer's `attachmentId` goes into `send`.
     */
    async uploadAttachment(actor: ChatActor, threadId: string, file: { bytes: Uint8Array; name: string }) {
      await memberThread(actor, threadId);
      const check = await inspectUpload(file.bytes, { allowed: ATTACHMENT_TYPES, maxBytes: ATTACHMENT_MAX_BYTES });
      if (!check.ok) throw new AppError("BAD_REQUEST", check.message, { file: [check.message] });
      const key = `chat/${actor.tenantId}/${threadId}/${randomUUID()}.${check.ext}`;
      await storage.put(key, keyring.seal(Buffer.from(file.bytes), key), "application/octet-stream");
      const name =
        file.name
          .replace(/[\\/\r\n\t]/g, "_")
          .trim()
          .slice(0, 200) || `file.${check.ext}`;
      const ticket: AttachmentTicket = { k: key, n: name, t: check.contentType, s: check.size, u: actor.userId };
      return {
        attachmentId: keyring.sealText(JSON.stringify(ticket), `chat-attachment:${threadId}`),
        name,
        type: check.contentType,
        size: check.size,
      };
    },

    /** A message's attachment, decrypted, for members of its thread. */
    async attachment(actor: ChatActor, messageId: string) {
      if (!UUID.test(messageId)) throw notFound("That attachment");
      const message = await db.message.findFirst({
        where: { id: messageId, tenantId: actor.tenantId },
        select: { threadId: true, attachmentKey: true, attachmentName: true, attachmentType: true },
      });
      if (!message?.attachmentKey) throw notFound("That attachment");
      await memberThread(actor, message.threadId);
      const object = await storage.get(message.attachmentKey);
      if (!object) throw notFound("That attachment");
      const bytes = keyring.open(await object.bytes(), message.attachmentKey);
      return {
        bytes,
        name: message.attachmentName ?? "attachment",
        type: message.attachmentType ?? "application/octet-stream",
      };
    },

    /** Seals every message body of a thread under the current key (after a rotation). */
    async reencryptThread(threadId: string) {
      const rows = await db.message.findMany({
        where: { threadId, keyId: { not: keyring.currentKeyId } },
        select: { id: true, body: true },
      });
      for (const row of rows) {
        await db.message.update({
          where: { id: row.id },
          data: {
            body: new Uint8Array(keyring.reencrypt(row.body, threadContext(threadId))),
            keyId: keyring.currentKeyId,
          },
        });
      }
      return rows.length;
    },

    /**
     * Stores a message of a given kind (a task's REFLECTION or FEEDBACK, a SYSTEM note) with the
     * thread's next seq, for the owning domain, optionally inside its transaction (so the message
     * and the domain's change commit together). The caller checked what the kind means; this
     * checks membership and tenant like `send`, and does not broadcast: call `broadcast` after
     * the commit.
     */
    async post(
      actor: ChatActor,
      input: { threadId: string; kind: MessageKind; text: string; clientMessageId?: string; attachmentId?: string },
      tx?: Prisma.TransactionClient,
    ): Promise<ChatMessage> {
      const text = input.text.trim();
      if (!UUID.test(input.threadId)) throw notFound("That conversation");
      const ticket = input.attachmentId ? openTicket(actor, input.threadId, input.attachmentId) : null;
      const id = randomUUID();
      const clientMessageId = input.clientMessageId ?? id;
      const body = keyring.seal(text, threadContext(input.threadId));
      const rows = await (tx ?? db).$queryRaw<{ seq: number; createdAt: Date }[]>`
        WITH t AS (
          UPDATE "Thread" SET "lastSeq" = "lastSeq" + 1
          WHERE "id" = ${input.threadId}::uuid AND "tenantId" = ${actor.tenantId}::uuid
            AND EXISTS (SELECT 1 FROM "ThreadMember" m WHERE m."threadId" = ${input.threadId}::uuid AND m."userId" = ${actor.userId}::uuid)
          RETURNING "lastSeq"
        )
        INSERT INTO "Message" ("id", "threadId", "tenantId", "seq", "kind", "senderId", "clientMessageId", "body", "keyId", "attachmentKey", "attachmentName", "attachmentType", "attachmentSize")
        SELECT ${id}::uuid, ${input.threadId}::uuid, ${actor.tenantId}::uuid, t."lastSeq", ${input.kind}::"MessageKind", ${actor.userId}::uuid, ${clientMessageId}, ${body}, ${keyring.currentKeyId},
               ${ticket?.k ?? null}, ${ticket?.n ?? null}, ${ticket?.t ?? null}, ${ticket?.s ?? null}::int
        FROM t
        RETURNING "seq", "createdAt"`;
      const row = rows[0];
      if (!row) throw forbidden("You are not a member of this conversation.");
      return {
        id,
        threadId: input.threadId,
        seq: row.seq,
        senderId: actor.userId,
        clientMessageId,
        ...(input.kind !== "TEXT" ? { kind: input.kind } : {}),
        text,
        attachment: ticket ? { name: ticket.n, type: ticket.t, size: ticket.s } : null,
        createdAt: row.createdAt.toISOString(),
      };
    },

    /** Pushes a stored message to every member's sockets (those showing the thread take it). */
    async broadcast(message: ChatMessage) {
      const members = await db.threadMember.findMany({
        where: { threadId: message.threadId },
        select: { userId: true },
      });
      for (const m of members) deps.realtime.emitToUser(m.userId, "chat:message", message);
    },

    limits: {
      attachmentMaxBytes: ATTACHMENT_MAX_BYTES,
      attachmentTypes: ATTACHMENT_TYPES.map((t) => UPLOAD_TYPES[t].label),
      attachmentMaxLabel: formatBytes(ATTACHMENT_MAX_BYTES),
    },
  };
  return service;
}

export type ChatService = ReturnType<typeof createChatService>;
