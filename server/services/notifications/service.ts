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
}

/**
 * In-app notifications (stored, pushed live to the user's sockets) and outgoing mail. Mail is
 * always written to the outbox table; with no SMTP configured the outbox is the record.
 */
export function createNotificationService({ db, realtime, log, now }: ServiceDeps) {
  return {
    async notify(input: NotifyInput) {
      const notification = await db.notification.create({
        data: { tenantId: input.tenantId, userId: input.userId, kind: input.kind, title: input.title, body: input.body ?? "", link: input.link ?? null },
      });
      if (input.email) {
        const user = await db.user.findUnique({ where: { id: input.userId }, select: { email: true, name: true } });
        if (user) {
          const text = `Hello ${user.name},\n\n${input.body ?? input.title}\n${input.link ? `\nOpen Tandem: ${input.link}\n` : ""}\n— Tandem`;
          await db.outboxMessage.create({ data: { tenantId: input.tenantId, to: user.email, subject: input.title, text } });
          log.info("mail queued in the outbox", { to: user.email, subject: input.title });
        }
      }
      realtime.emitToUser(input.userId, "notification:new", { id: notification.id, kind: notification.kind, title: notification.title, body: notification.body, link: notification.link });
      return notification;
    },

    list(tenantId: string, userId: string, limit = 30) {
      return db.notification.findMany({ where: { tenantId, userId }, orderBy: { createdAt: "desc" }, take: limit });
    },

    unreadCount(tenantId: string, userId: string) {
      return db.notification.count({ where: { tenantId, userId, readAt: null } });
    },

    async markAllRead(tenantId: string, userId: string) {
      const { count } = await db.notification.updateMany({ where: { tenantId, userId, readAt: null }, data: { readAt: now() } });
      return { count };
    },
  };
}

export type NotificationService = ReturnType<typeof createNotificationService>;
