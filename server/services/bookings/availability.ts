import { AppError, notFound } from "@server/errors.ts";
import { Prisma, preparedQuery } from "@server/db/client.ts";
import type { Actor } from "@server/policies/coaching.ts";
import { type Availability, availabilitySchema, computeSlotsFromStored } from "../scheduling/slots.ts";
import { type BookingContext, DAY, ownCoachProfile } from "./context.ts";
import { busyWindowAround, parseSchedule, type ScheduleRow, type ScheduleWindow, scheduleColumns } from "./schedule.ts";

export type AvailabilityInput = Omit<Availability, "timeOff">;

/** How long a booking change waits before the directory's next free slot is recomputed (coalescing). */
const NEXT_FREE_DELAY_MS = 500;

/**
 * Availability and free slots: the coach's hours and time off, the slot engine's offers, and the
 * directory's "next free slot", refreshed after every change (at once for the coach's own
 * changes, coalesced per coach for booking changes).
 */
export function createAvailability(ctx: BookingContext) {
  const { db, now, realtime, log } = ctx;

  /** The slot engine's inputs for one coach in one round trip (schedule.ts). */
  async function loadSchedule(coachProfileId: string, window: ScheduleWindow) {
    const [row] = await preparedQuery<ScheduleRow>(
      db,
      "coach_schedule",
      Prisma.sql`SELECT ${scheduleColumns(Prisma.sql`${coachProfileId}::uuid`, window)}`,
    );
    return parseSchedule(row!);
  }

  async function freeSlots(
    coachProfileId: string,
    durationMinutes: number,
    window: { from?: Date; to?: Date } = {},
    excludeBookingId?: string,
  ) {
    const at = now();
    const from = window.from ?? at;
    // Without an end, the window (and the busy ranges read) run to the coach's booking horizon.
    const { availability, busy } = await loadSchedule(coachProfileId, {
      ...busyWindowAround(from, window.to),
      excludeBookingId,
      at,
    });
    if (!availability) return [];
    return computeSlotsFromStored({ availability, durationMinutes, busy, now: at, from, to: window.to });
  }

  /** Recomputes when the coach is next free (shortest active service), for the directory filter. */
  async function refreshNextFree(coachProfileId: string): Promise<Date | null> {
    const shortest = await db.service.aggregate({
      where: { coachProfileId, status: "ACTIVE" },
      _min: { durationMinutes: true },
    });
    const duration = shortest._min.durationMinutes;
    // The first free slot is usually near: look a week ahead, then a month, then the whole horizon.
    let next: Date | null = null;
    if (duration) {
      const at = now();
      for (const days of [7, 31, 366]) {
        const [first] = await freeSlots(coachProfileId, duration, {
          from: at,
          to: new Date(at.getTime() + days * DAY),
        });
        if (first) {
          next = first.start;
          break;
        }
      }
    }
    // Coaches without hours have no row, and no next free slot: the directory treats them so.
    await db.coachAvailability.updateMany({ where: { coachProfileId }, data: { nextFreeSlotAt: next } });
    return next;
  }

  /**
   * Refreshes of the directory's next free slot that booking changes asked for, coalesced per
   * coach: a change waits NEXT_FREE_DELAY_MS, and every further change of that coach until the
   * refresh starts is covered by it. Clients booking do not wait for the directory.
   */
  const refreshQueued = new Set<string>();
  const refreshRunning = new Map<string, Promise<void>>();
  function refreshNextFreeSoon(coachProfileId: string) {
    if (refreshQueued.has(coachProfileId)) return;
    refreshQueued.add(coachProfileId);
    const previous = refreshRunning.get(coachProfileId) ?? Promise.resolve();
    const run: Promise<void> = previous
      .then(() => new Promise((resolve) => setTimeout(resolve, NEXT_FREE_DELAY_MS)))
      .then(() => {
        refreshQueued.delete(coachProfileId);
        return refreshNextFree(coachProfileId);
      })
      .then(
        () => undefined,
        (e: unknown) => log.warn("next free slot not refreshed", { coachProfileId, error: String(e) }),
      )
      .finally(() => {
        if (refreshRunning.get(coachProfileId) === run) refreshRunning.delete(coachProfileId);
      });
    refreshRunning.set(coachProfileId, run);
  }

  /** Tells open pages; the coach's own changes refresh the directory at once, bookings soon after. */
  async function afterChange(tenantId: string, coachProfileId: string, directory: "now" | "soon" = "soon") {
    realtime.emitToTenant(tenantId, "availability:changed", { coachId: coachProfileId });
    if (directory === "soon") return refreshNextFreeSoon(coachProfileId);
    await refreshNextFree(coachProfileId).catch((e: unknown) =>
      log.warn("next free slot not refreshed", { coachProfileId, error: String(e) }),
    );
  }

  return {
    freeSlots,
    refreshNextFreeSoon,
    afterChange,
    /** Whether a refresh of this coach's next free slot is queued or running. */
    refreshPending: (coachProfileId: string) => refreshRunning.has(coachProfileId),

    /** Resolves once the directory refreshes asked for so far have run (shutdown, tests). */
    async settled() {
      while (refreshRunning.size > 0) await Promise.all(refreshRunning.values());
    },

    /** Every coach with availability, e.g. hourly, because time passing moves the next free slot. */
    async refreshAllNextFree() {
      const coaches = await db.coachAvailability.findMany({ select: { coachProfileId: true } });
      for (const c of coaches) await refreshNextFree(c.coachProfileId);
      return { refreshed: coaches.length };
    },

    async myAvailability(actor: Actor) {
      const profile = await ownCoachProfile(ctx, actor);
      const row = await db.coachAvailability.findUnique({ where: { coachProfileId: profile.id } });
      const timeOff = await db.timeOff.findMany({
        where: { coachProfileId: profile.id, endsAt: { gt: now() } },
        orderBy: { startsAt: "asc" },
      });
      return {
        availability: row ?? {
          timeZone: profile.timeZone,
          weekly: [],
          overrides: [],
          bufferBeforeMinutes: 0,
          bufferAfterMinutes: 0,
          minNoticeMinutes: 720,
          horizonDays: 60,
          dailyCap: null,
          slotStepMinutes: 15,
        },
        timeOff,
      };
    },

    async setAvailability(actor: Actor, input: AvailabilityInput) {
      const profile = await ownCoachProfile(ctx, actor);
      const parsed = availabilitySchema.safeParse({ ...input, timeOff: [] });
      if (!parsed.success) {
        const fieldErrors: Record<string, string[]> = {};
        for (const issue of parsed.error.issues)
          (fieldErrors[issue.path.join(".") || "_form"] ??= []).push(issue.message);
        throw new AppError("BAD_REQUEST", "Some availability settings need attention.", fieldErrors);
      }
      const a = parsed.data;
      const data = {
        timeZone: a.timeZone,
        weekly: a.weekly as unknown as Prisma.InputJsonValue,
        overrides: a.overrides as unknown as Prisma.InputJsonValue,
        bufferBeforeMinutes: a.bufferBeforeMinutes,
        bufferAfterMinutes: a.bufferAfterMinutes,
        minNoticeMinutes: a.minNoticeMinutes,
        horizonDays: a.horizonDays,
        dailyCap: a.dailyCap ?? null,
        slotStepMinutes: a.slotStepMinutes ?? 15,
      };
      const row = await db.coachAvailability.upsert({
        where: { coachProfileId: profile.id },
        update: data,
        create: { ...data, coachProfileId: profile.id, tenantId: actor.tenantId },
      });
      await afterChange(actor.tenantId, profile.id, "now");
      return row;
    },

    async addTimeOff(actor: Actor, input: { startsAt: Date; endsAt: Date; reason: string }) {
      const profile = await ownCoachProfile(ctx, actor);
      if (input.endsAt <= input.startsAt)
        throw new AppError("BAD_REQUEST", "Time off must end after it starts.", {
          endsAt: ["Must be after the start."],
        });
      const row = await db.timeOff.create({ data: { ...input, tenantId: actor.tenantId, coachProfileId: profile.id } });
      await afterChange(actor.tenantId, profile.id, "now");
      return row;
    },

    async removeTimeOff(actor: Actor, timeOffId: string) {
      const profile = await ownCoachProfile(ctx, actor);
      const { count } = await db.timeOff.deleteMany({ where: { id: timeOffId, coachProfileId: profile.id } });
      if (count === 0) throw notFound("That time off");
      await afterChange(actor.tenantId, profile.id, "now");
    },

    /** Free start times of a coach's service, for clients of the same tenant. */
    async slotsForService(tenantId: string, serviceId: string, window: { from?: Date; to?: Date }) {
      const service = await db.service.findFirst({
        where: { id: serviceId, tenantId, status: "ACTIVE", coachProfile: { status: "APPROVED" } },
        select: { coachProfileId: true, durationMinutes: true },
      });
      if (!service) throw notFound("That service");
      return freeSlots(service.coachProfileId, service.durationMinutes, window);
    },
  };
}

export type AvailabilityModule = ReturnType<typeof createAvailability>;
