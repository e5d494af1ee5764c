import { randomUUID } from "node:crypto";
import type { Db } from "@server/db/client.ts";
import { AppError, forbidden, notFound } from "@server/errors.ts";
import type { Actor } from "@server/policies/coaching.ts";
import type { CalcomService } from "../calcom/service.ts";
import type { ServiceDeps } from "../deps.ts";

export interface OfferingInput {
  name: string;
  description: string;
  priceMinor: number;
  durationMinutes: number;
  delivery: "ONLINE" | "IN_PERSON";
  sessionType: "VIDEO" | "PHONE" | "CHAT" | "IN_PERSON";
  premiumOnly: boolean;
}

/** Keeps CoachProfile.minPriceMinor equal to the lowest active price (directory filters and sort). */
async function refreshMinPrice(db: Pick<Db, "service" | "coachProfile">, coachProfileId: string) {
  const min = await db.service.aggregate({ where: { coachProfileId, status: "ACTIVE" }, _min: { priceMinor: true } });
  await db.coachProfile.update({ where: { id: coachProfileId }, data: { minPriceMinor: min._min.priceMinor } });
}

/**
 * A coach's services (what clients book). Prices are integer minor units in the tenant's
 * currency and never below the tenant's minimum; premium-only needs the tenant flag. When the
 * coach connected Cal.com, the matching Cal.com event type is saved first and a Cal.com failure
 * writes nothing (ADR 010).
 */
export function createOfferingService({ db }: ServiceDeps, calcom?: Pick<CalcomService, "syncEventType">) {
  /** Cal.com first (when connected), then `write`; an event type made for a failed write is deleted. */
  async function withEventType<T>(
    coachProfileId: string,
    service: Parameters<CalcomService["syncEventType"]>[1],
    write: (calcomEventTypeId: number | null) => Promise<T>,
  ) {
    const sync = calcom
      ? await calcom.syncEventType(coachProfileId, service)
      : { eventTypeId: service.calcomEventTypeId, rollback: async () => undefined };
    try {
      return await write(sync.eventTypeId);
    } catch (error) {
      await sync.rollback();
      throw error;
    }
  }

  async function checkRules(actor: Actor, input: OfferingInput) {
    const tenant = await db.tenant.findUniqueOrThrow({
      where: { id: actor.tenantId },
      select: { minServicePriceMinor: true, currency: true, featurePremiumCoachServices: true },
    });
    const fieldErrors: Record<string, string[]> = {};
    if (input.priceMinor < tenant.minServicePriceMinor) {
      fieldErrors.priceMinor = [
        `The minimum price in this organisation is ${(tenant.minServicePriceMinor / 100).toFixed(2)} ${tenant.currency}.`,
      ];
    }
    if (input.premiumOnly && !tenant.featurePremiumCoachServices)
      fieldErrors.premiumOnly = ["Premium-only services are not enabled in this organisation."];
    if (input.delivery === "IN_PERSON" && input.sessionType !== "IN_PERSON")
      fieldErrors.sessionType = ["An in-person service has the in-person session type."];
    if (input.delivery === "ONLINE" && input.sessionType === "IN_PERSON")
      fieldErrors.sessionType = ["An online service is held by video, phone or chat."];
    if (Object.keys(fieldErrors).length) throw new AppError("BAD_REQUEST", "Some fields need attention.", fieldErrors);
    return tenant;
  }

  async function ownProfile(actor: Actor) {
    const profile = await db.coachProfile.findUnique({
      where: { tenantId_userId: { tenantId: actor.tenantId, userId: actor.userId } },
      select: { id: true, status: true },
    });
    if (!profile || (profile.status !== "APPROVED" && profile.status !== "SUSPENDED"))
      throw forbidden("Only approved coaches offer services.");
    return profile;
  }

  async function ownService(actor: Actor, serviceId: string) {
    const profile = await ownProfile(actor);
    const service = await db.service.findFirst({
      where: { id: serviceId, coachProfileId: profile.id, tenantId: actor.tenantId },
    });
    if (!service) throw notFound("That service");
    return service;
  }

  return {
    async listMine(actor: Actor) {
      const profile = await ownProfile(actor);
      return db.service.findMany({
        where: { coachProfileId: profile.id },
        orderBy: [{ status: "asc" }, { createdAt: "asc" }],
      });
    },

    async create(actor: Actor, input: OfferingInput) {
      const profile = await ownProfile(actor);
      const tenant = await checkRules(actor, input);
      const id = randomUUID();
      return withEventType(
        profile.id,
        { id, ...input, archived: false, calcomEventTypeId: null },
        (calcomEventTypeId) =>
          db.$transaction(async (tx) => {
            const service = await tx.service.create({
              data: {
                ...input,
                id,
                calcomEventTypeId,
                tenantId: actor.tenantId,
                coachProfileId: profile.id,
                currency: tenant.currency,
              },
            });
            await refreshMinPrice(tx, profile.id);
            return service;
          }),
      );
    },

    async update(actor: Actor, serviceId: string, input: OfferingInput) {
      const existing = await ownService(actor, serviceId);
      await checkRules(actor, input);
      return withEventType(
        existing.coachProfileId,
        { ...existing, ...input, archived: existing.status === "ARCHIVED" },
        (calcomEventTypeId) =>
          db.$transaction(async (tx) => {
            const service = await tx.service.update({
              where: { id: existing.id },
              data: { ...input, calcomEventTypeId },
            });
            await refreshMinPrice(tx, existing.coachProfileId);
            return service;
          }),
      );
    },

    async setArchived(actor: Actor, serviceId: string, archived: boolean) {
      const existing = await ownService(actor, serviceId);
      // Archived services are hidden in Cal.com too, so that nobody books them there.
      return withEventType(existing.coachProfileId, { ...existing, archived }, (calcomEventTypeId) =>
        db.$transaction(async (tx) => {
          const service = await tx.service.update({
            where: { id: existing.id },
            data: { status: archived ? "ARCHIVED" : "ACTIVE", calcomEventTypeId },
          });
          await refreshMinPrice(tx, existing.coachProfileId);
          return service;
        }),
      );
    },
  };
}

export type OfferingService = ReturnType<typeof createOfferingService>;
