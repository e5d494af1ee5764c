import { createAuthService } from "./auth/service.ts";
import { createBookingService } from "./bookings/service.ts";
import { createCalcomService } from "./calcom/service.ts";
import { createChatService } from "./chat/service.ts";
import { createCoachService } from "./coaches/service.ts";
import { createConsentService } from "./consent/service.ts";
import type { ServiceDeps } from "./deps.ts";
import { createDirectoryService } from "./directory/service.ts";
import { createEarningsService } from "./earnings/service.ts";
import { createExerciseService } from "./exercises/service.ts";
import { createFavouriteService } from "./favourites/service.ts";
import { createNotificationService } from "./notifications/service.ts";
import { createOfferingService } from "./offerings/service.ts";
import { createPackageService } from "./packages/service.ts";
import { createPaymentService } from "./payments/service.ts";
import { createRelationshipService } from "./relationships/service.ts";
import { createReviewService } from "./reviews/service.ts";
import { createSessionService } from "./sessions/service.ts";
import { createSessionNotesService } from "./sessionnotes/service.ts";
import { createTaskService } from "./tasks/service.ts";
import { createTenantService } from "./tenants/service.ts";

/** Every domain service, built once per process from the same dependencies. */
export function createServices(deps: ServiceDeps) {
  const auth = createAuthService(deps);
  // A changed payout schedule is applied to the coaches' payout accounts by the payments service.
  const tenants = createTenantService(deps, {
    payoutScheduleChanged: (tenantId) => payments.fanOutPayoutSchedule(tenantId),
  });
  const notifications = createNotificationService(deps);
  const bookings = createBookingService(deps, notifications);
  const packages = createPackageService(deps);
  const payments = createPaymentService(deps, { bookings, notifications, packages });
  const calcom = createCalcomService(deps, { bookings, payments, notifications });
  const chat = createChatService(deps);
  const relationships = createRelationshipService(deps);
  const consent = createConsentService(deps);
  const exercises = createExerciseService(deps);
  const tasks = createTaskService(deps, { chat, notifications, relationships, consent, exercises });
  return {
    auth,
    tenants,
    notifications,
    coaches: createCoachService(deps, notifications),
    offerings: createOfferingService(deps, calcom),
    directory: createDirectoryService(deps),
    favourites: createFavouriteService(deps),
    reviews: createReviewService(deps, notifications),
    bookings,
    earnings: createEarningsService(deps),
    payments,
    calcom,
    packages,
    sessions: createSessionService(deps, { notifications, payments }),
    sessionNotes: createSessionNotesService(deps, notifications),
    chat,
    relationships,
    consent,
    exercises,
    tasks,
    async close() {
      await bookings.settled();
      await auth.close();
    },
  };
}

export type Services = ReturnType<typeof createServices>;
export type { ServiceDeps, RealtimeNotifier } from "./deps.ts";
