import { createPaymentProvider } from "../integrations/payments/index.ts";
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
import { createGoalsService } from "./goals/service.ts";
import { createJournalService } from "./journal/service.ts";
import { createNotificationService } from "./notifications/service.ts";
import { createOfferingService } from "./offerings/service.ts";
import { createPackageService } from "./packages/service.ts";
import { createLedger } from "./payments/ledger.ts";
import { createPaymentService } from "./payments/service.ts";
import { createRelationshipsService } from "./relationships/service.ts";
import { createReviewService } from "./reviews/service.ts";
import { createRoomService } from "./rooms/service.ts";
import { createBookingRoomOwner } from "./sessions/room-owner.ts";
import { createSessionService } from "./sessions/service.ts";
import { createSystemService } from "./system/service.ts";
import { createSessionNotesService } from "./session-notes/service.ts";
import { createTaskService } from "./tasks/service.ts";
import { createTenantService } from "./tenants/service.ts";
import { calcomWebhooks, createWebhookInbox, livekitWebhooks, stripeWebhooks } from "./webhooks/service.ts";

/** Every domain service, built once per process from the same dependencies. */
export function createServices(deps: ServiceDeps) {
  const auth = createAuthService(deps);
  // A changed payout schedule is applied to the coaches' payout accounts by the payments service.
  const tenants = createTenantService(deps, {
    payoutScheduleChanged: (tenantId) => payments.fanOutPayoutSchedule(tenantId),
  });
  const notifications = createNotificationService(deps);
  // One payment provider; its ledger (refunds, ledger rows) serves both bookings' cancellation and payments.
  const paymentProvider = createPaymentProvider(deps.env);
  const ledger = createLedger(deps, paymentProvider);
  // Coaching workspace: relationships (with their DIRECT threads), consent and the client data it guards.
  const chat = createChatService(deps);
  const relationships = createRelationshipsService(deps, { chat, notifications });
  const consent = createConsentService(deps, { notifications });
  // A client's first confirmed booking of a coach starts their relationship.
  const bookings = createBookingService(deps, {
    notifications,
    ledger,
    hooks: { confirmed: (b) => relationships.startForBooking(b) },
  });
  const packages = createPackageService(deps);
  const payments = createPaymentService(deps, { bookings, notifications, packages, ledger }, paymentProvider);
  // Live rooms ask their owner (a booking today, a group session tomorrow) for window and participants.
  const rooms = createRoomService(deps, { booking: createBookingRoomOwner(deps) });
  const calcom = createCalcomService(deps, { bookings, notifications, rooms });
  const sessions = createSessionService(deps, { notifications, bookings, rooms, chat });
  // Every provider's webhooks go through one inbox (ADR 016); a new provider is one more entry.
  const webhooks = createWebhookInbox(deps, [stripeWebhooks(payments), livekitWebhooks(rooms), calcomWebhooks(calcom)]);
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
    rooms,
    sessions,
    webhooks,
    sessionNotes: createSessionNotesService(deps, notifications),
    chat,
    system: createSystemService(deps),
    relationships,
    consent,
    journal: createJournalService(deps, { consent }),
    goals: createGoalsService(deps, { consent, notifications }),
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
