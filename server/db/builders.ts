import { randomBytes } from "node:crypto";
import type { Keyring } from "@server/crypto/keyring.ts";
import { splitPayment } from "@server/services/bookings/money.ts";
import type { BookingStatus, Prisma, SessionType } from "./client.ts";

/**
 * Row builders for data that is set up rather than lived through: the demo seed (which runs in production)
 * and the test factories. Each writes plain rows with the same defaults everywhere, on the client or inside
 * a transaction, and goes around the services on purpose (a test needs a booking that is already COMPLETED,
 * the demo needs coaches that are already approved). Application code never uses them.
 */
type Writer = Prisma.TransactionClient;

const HOUR = 3_600_000;

/** An APPROVED coach profile, with anything else it should say. */
export function insertCoachProfile(
  db: Writer,
  data: { tenantId: string; userId: string; displayName: string } & Partial<Prisma.CoachProfileUncheckedCreateInput>,
) {
  return db.coachProfile.create({
    data: { status: "APPROVED", motivation: "", decidedAt: new Date(), ...data },
  });
}

/** An active one-hour online service of a coach, in euros unless said otherwise. */
export function insertService(
  db: Writer,
  data: {
    tenantId: string;
    coachProfileId: string;
    name: string;
    priceMinor: number;
  } & Partial<Prisma.ServiceUncheckedCreateInput>,
) {
  return db.service.create({
    data: { currency: "EUR", durationMinutes: 60, delivery: "ONLINE", sessionType: "VIDEO", ...data },
  });
}

/** Journal days and completed exercises, enough for the default coach eligibility rules (30 and 10). */
export async function insertEligibilityActivity(
  db: Writer,
  keyring: Pick<Keyring, "seal">,
  tenantId: string,
  userId: string,
  days = 30,
  exercises = 10,
) {
  // Written days count (an entry without words does not): each body sealed as the journal service does.
  await db.journalEntry.createMany({
    data: Array.from({ length: days }, (_, i) => {
      const entryDate = new Date(Date.UTC(2026, 0, 1 + i));
      const day = entryDate.toISOString().slice(0, 10);
      return {
        tenantId,
        userId,
        entryDate,
        body: new Uint8Array(keyring.seal(`Day ${i + 1}`, `journal:${userId}:${day}`)),
      };
    }),
  });
  await db.exerciseCompletion.createMany({
    data: Array.from({ length: exercises }, (_, i) => ({ tenantId, userId, title: `Exercise ${i + 1}` })),
  });
}

export interface BookingSeed {
  tenantId: string;
  coachProfileId: string;
  clientId: string;
  serviceId?: string | null;
  status: BookingStatus;
  startsAt: Date;
  durationMinutes?: number;
  sessionType?: SessionType;
  /** What the session costs; fee and payout follow from `feeBps` (default 1500). 0 = free (or a credit). */
  priceMinor?: number;
  feeBps?: number;
  currency?: string;
  /** When the booking was made and moved along (defaults to now). */
  now?: Date;
  /** A PENDING hold's lifetime (default 15 minutes). */
  holdMinutes?: number;
  /** Who cancelled a CANCELLED booking (default the client). */
  cancelledById?: string;
  packagePurchaseId?: string | null;
  topic?: string;
}

/**
 * A booking in any state, with the fields that state implies: PENDING is a hold with an expiry; CONFIRMED
 * is paid (price, fee and payout fixed, `confirmedAt`); COMPLETED and NO_SHOW also have their outcome;
 * CANCELLED has who, when and why. Every state but CANCELLED has a room name, as the services give it.
 */
export function insertBooking(db: Writer, seed: BookingSeed) {
  const now = seed.now ?? new Date();
  const status = seed.status;
  const money = splitPayment(seed.priceMinor ?? 0, seed.feeBps ?? 1500);
  const confirmed = status === "CONFIRMED" || status === "COMPLETED" || status === "NO_SHOW";
  const decided = status === "COMPLETED" || status === "NO_SHOW";
  const endsAt = new Date(seed.startsAt.getTime() + (seed.durationMinutes ?? 60) * 60_000);
  return db.booking.create({
    data: {
      tenantId: seed.tenantId,
      coachProfileId: seed.coachProfileId,
      clientId: seed.clientId,
      serviceId: seed.serviceId ?? null,
      status,
      startsAt: seed.startsAt,
      endsAt,
      ...money,
      currency: seed.currency ?? "EUR",
      sessionType: seed.sessionType ?? "VIDEO",
      topic: seed.topic ?? "",
      packagePurchaseId: seed.packagePurchaseId ?? null,
      room: status === "CANCELLED" ? null : randomBytes(16).toString("base64url"),
      holdExpiresAt: status === "PENDING" ? new Date(now.getTime() + (seed.holdMinutes ?? 15) * 60_000) : null,
      confirmedAt: confirmed ? now : null,
      outcomeAt: decided ? new Date(Math.max(now.getTime(), endsAt.getTime() + HOUR)) : null,
      outcomeSummary: decided ? (status === "NO_SHOW" ? "The client did not attend." : "Both attended.") : null,
      cancelledAt: status === "CANCELLED" ? now : null,
      cancelledById: status === "CANCELLED" ? (seed.cancelledById ?? seed.clientId) : null,
      cancellationReason: status === "CANCELLED" ? "Cancelled." : null,
    },
  });
}

/**
 * A client's purchase of a package of `sessions` sessions of a service (the package is created too, unless
 * given). PAID purchases have their credits (all of them unless `creditsRemaining`) and `paidAt`; PENDING and
 * CANCELLED ones have none.
 */
export async function insertPackagePurchase(
  db: Writer,
  seed: {
    tenantId: string;
    coachProfileId: string;
    serviceId: string;
    clientId: string;
    status?: "PENDING" | "PAID" | "CANCELLED";
    sessions?: number;
    priceMinor?: number;
    feeBps?: number;
    currency?: string;
    creditsRemaining?: number;
    packageId?: string;
    now?: Date;
  },
) {
  const status = seed.status ?? "PAID";
  const sessions = seed.sessions ?? 5;
  const priceMinor = seed.priceMinor ?? 25_000;
  const currency = seed.currency ?? "EUR";
  const pkg = seed.packageId
    ? await db.package.findUniqueOrThrow({ where: { id: seed.packageId } })
    : await db.package.create({
        data: {
          tenantId: seed.tenantId,
          coachProfileId: seed.coachProfileId,
          serviceId: seed.serviceId,
          name: `${sessions} sessions`,
          sessionCount: sessions,
          priceMinor,
          currency,
        },
      });
  const purchase = await db.packagePurchase.create({
    data: {
      tenantId: seed.tenantId,
      packageId: pkg.id,
      clientId: seed.clientId,
      coachProfileId: seed.coachProfileId,
      serviceId: seed.serviceId,
      status,
      sessionsTotal: pkg.sessionCount,
      creditsRemaining: status === "PAID" ? (seed.creditsRemaining ?? pkg.sessionCount) : 0,
      ...splitPayment(pkg.priceMinor, seed.feeBps ?? 1500),
      currency: pkg.currency,
      paidAt: status === "PAID" ? (seed.now ?? new Date()) : null,
    },
  });
  return { package: pkg, purchase };
}

/** The SESSION chat thread of a booking, with its coach and client as members. */
export async function insertSessionThread(
  db: Writer,
  booking: { id: string; tenantId: string; clientId: string; coachProfileId: string },
) {
  const coach = await db.coachProfile.findUniqueOrThrow({
    where: { id: booking.coachProfileId },
    select: { userId: true },
  });
  return db.thread.create({
    data: {
      tenantId: booking.tenantId,
      kind: "SESSION",
      bookingId: booking.id,
      members: {
        create: [
          { userId: coach.userId, role: "coach" },
          { userId: booking.clientId, role: "client" },
        ],
      },
    },
    include: { members: true },
  });
}
