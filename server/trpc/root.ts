import { createCallerFactory, router } from "./init.ts";
import { adminRouter } from "./routers/admin/index.ts";
import { authRouter } from "./routers/auth/index.ts";
import { bookingsRouter } from "./routers/bookings/index.ts";
import { calcomRouter } from "./routers/calcom/index.ts";
import { chatRouter } from "./routers/chat/index.ts";
import { coachRouter } from "./routers/coach/index.ts";
import { coachAdminRouter } from "./routers/coach-admin/index.ts";
import { consentRouter } from "./routers/consent/index.ts";
import { dashboardRouter } from "./routers/dashboard/index.ts";
import { directoryRouter } from "./routers/directory/index.ts";
import { earningsRouter } from "./routers/earnings/index.ts";
import { exercisesRouter } from "./routers/exercises/index.ts";
import { favouritesRouter } from "./routers/favourites/index.ts";
import { goalsRouter } from "./routers/goals/index.ts";
import { journalRouter } from "./routers/journal/index.ts";
import { notificationsRouter } from "./routers/notifications/index.ts";
import { offeringsRouter } from "./routers/offerings/index.ts";
import { packagesRouter } from "./routers/packages/index.ts";
import { paymentsRouter } from "./routers/payments/index.ts";
import { relationshipsRouter } from "./routers/relationships/index.ts";
import { reviewsRouter } from "./routers/reviews/index.ts";
import { sessionsRouter } from "./routers/sessions/index.ts";
import { sessionNotesRouter } from "./routers/session-notes/index.ts";
import { tasksRouter } from "./routers/tasks/index.ts";
import { tenantRouter } from "./routers/tenant/index.ts";

/** One router per domain; a new domain adds a folder under routers/ and a line here. */
export const appRouter = router({
  auth: authRouter,
  tenant: tenantRouter,
  admin: adminRouter,
  dashboard: dashboardRouter,
  notifications: notificationsRouter,
  coach: coachRouter,
  coachAdmin: coachAdminRouter,
  offerings: offeringsRouter,
  directory: directoryRouter,
  favourites: favouritesRouter,
  reviews: reviewsRouter,
  bookings: bookingsRouter,
  earnings: earningsRouter,
  payments: paymentsRouter,
  calcom: calcomRouter,
  packages: packagesRouter,
  sessions: sessionsRouter,
  sessionNotes: sessionNotesRouter,
  chat: chatRouter,
  relationships: relationshipsRouter,
  consent: consentRouter,
  journal: journalRouter,
  goals: goalsRouter,
  exercises: exercisesRouter,
  tasks: tasksRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
