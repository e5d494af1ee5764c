import type { Notification } from "@server/db/client.ts";
import type { ServiceDeps } from "../deps.ts";

export interface NotifyInput {
  tenantId: string;
  userId: string;
  kind: string;
  title: string;
  body?: string;
  link?: string;
  /** Also send it by mail (written to the outbox first). */
  email?: boolean;
  /**
   * At most one unread notification of this kind and link for the person: if one is there, it
   * is brought up to date (title, body, time) instead of adding another. For news that can come
   * in bursts (a note saved again, files added one after another). With `email`, mail goes
   * only when a new notice is made, not when an unread one is brought up to date.
   */
  coalesce?: boolean;
}

/**
 * In-app notifications (stored, pushed live to the user's sockets) and outgoing mail. Mail is
 * always written to the outbox table; with no SMTP configured the outbox is the record.
 */
export function createNotificationService({ db, realtime, log, now }: ServiceDeps) {
  const pushed = (n: Notification) => ({ id: n.id, kind: n.kind, title: n.title, body: n.body, link: n.link });

  /**
   * The person's unread notification of this kind and link, updated, or a new one. Concurrent
   * calls for the same person, kind and link queue on a transaction-scoped advisory lock, so
   * they never add two.
   */
  async function upsertUnread(input: NotifyInput): Promise<{ notification: Notification; updated: boolean }> {
    const link = input.link ?? null;
    return db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`notification:${input.userId}:${input.kind}:${link ?? ""}`}, 2))`;
      const unread = await tx.notification.findFirst({
        where: { tenantId: input.tenantId, userId: input.userId, kind: input.kind, link, readAt: null },
        orderBy: { createdAt: "desc" },
        select: { id: true },
      });
      if (unread) {
        // Moved to the top of the list: the time is the latest news's, from the same wall clock as the column's default.
        const notification = await tx.notification.update({
          where: { id: unread.id },
          data: { title: input.title, body: input.body ?? "", createdAt: new Date() },
        });
        return { notification, updated: true };
      }
      const notification = await tx.notification.create({
        data: {
          tenantId: input.tenantId,
          userId: input.userId,
          kind: input.kind,
          title: input.title,
          body: input.body ?? "",
          link,
        },
      });
      return { notification, updated: false };
    });
  }

  async function queueMail(input: NotifyInput) {
    const user = await db.user.findUnique({ where: { id: input.userId }, select: { email: true, name: true } });
    if (!user) return;
    const text = `Hello ${user.name},\n\n${input.body ?? input.title}\n${input.link ? `\nOpen Tandem: ${input.link}\n` : ""}\n— Tandem`;
    await db.outboxMessage.create({
      data: { tenantId: input.tenantId, to: user.email, subject: input.title, text },
    });
    log.info("mail queued in the outbox", { to: user.email, subject: input.title });
  }

  return {
    async notify(input: NotifyInput) {
      if (input.coalesce) {
        const { notification, updated } = await upsertUnread(input);
        // An update changes no unread count, so nothing is pushed: the person sees the new text
        // the next time they open their notifications.
        if (!updated) {
          if (input.email) await queueMail(input);
          realtime.emitToUser(input.userId, "notification:new", pushed(notification));
        }
        return notification;
      }
      const notification = await db.notification.create({
        data: {
          tenantId: input.tenantId,
          userId: input.userId,
          kind: input.kind,
          title: input.title,
          body: input.body ?? "",
          link: input.link ?? null,
        },
      });
      if (input.email) await queueMail(input);
      realtime.emitToUser(input.userId, "notification:new", pushed(notification));
      return notification;
    },

    list(tenantId: string, userId: string, limit = 30) {
      return db.notification.findMany({ where: { tenantId, userId }, orderBy: { createdAt: "desc" }, take: limit });
    },

    unreadCount(tenantId: string, userId: string) {
      return db.notification.count({ where: { tenantId, userId, readAt: null } });
    },

    async markAllRead(tenantId: string, userId: string) {
      const { count } = await db.notification.updateMany({
        where: { tenantId, userId, readAt: null },
        data: { readAt: now() },
      });
      return { count };
    },
  };
}

export type NotificationService = ReturnType<typeof createNotificationService>;
