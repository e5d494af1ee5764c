import { authedProcedure, router } from "@server/trpc/init.ts";

export const notificationsRouter = router({
  list: authedProcedure.query(({ ctx }) => ctx.services.notifications.list(ctx.tenant.id, ctx.user.id)),
  unreadCount: authedProcedure.query(({ ctx }) => ctx.services.notifications.unreadCount(ctx.tenant.id, ctx.user.id)),
  markAllRead: authedProcedure.mutation(({ ctx }) =>
    ctx.services.notifications.markAllRead(ctx.tenant.id, ctx.user.id),
  ),
});
