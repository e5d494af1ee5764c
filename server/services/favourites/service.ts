import { notFound } from "@server/errors.ts";
import type { Actor } from "@server/policies/coaching.ts";
import type { ServiceDeps } from "../deps.ts";

/** Coaches a member saved. Only approved coaches can be saved, and only those are listed. */
export function createFavouriteService({ db }: ServiceDeps) {
  return {
    async add(actor: Actor, coachProfileId: string) {
      const coach = await db.coachProfile.findFirst({
        where: { id: coachProfileId, tenantId: actor.tenantId, status: "APPROVED" },
        select: { id: true },
      });
      if (!coach) throw notFound("That coach");
      await db.favourite.upsert({
        where: { userId_coachProfileId: { userId: actor.userId, coachProfileId } },
        update: {},
        create: { tenantId: actor.tenantId, userId: actor.userId, coachProfileId },
      });
      return { saved: true };
    },

    async remove(actor: Actor, coachProfileId: string) {
      await db.favourite.deleteMany({ where: { userId: actor.userId, coachProfileId, tenantId: actor.tenantId } });
      return { saved: false };
    },

    async list(actor: Actor) {
      const favourites = await db.favourite.findMany({
        where: { tenantId: actor.tenantId, userId: actor.userId, coachProfile: { status: "APPROVED" } },
        orderBy: { createdAt: "desc" },
        select: {
          createdAt: true,
          coachProfile: {
            select: {
              id: true,
              displayName: true,
              photoKey: true,
              specialties: true,
              ratingAvg: true,
              ratingCount: true,
              minPriceMinor: true,
              certifiedAt: true,
            },
          },
        },
      });
      return favourites.map((f) => ({
        savedAt: f.createdAt,
        ...f.coachProfile,
        certified: f.coachProfile.certifiedAt !== null,
      }));
    },

    async isSaved(actor: Actor, coachProfileId: string) {
      return (
        (await db.favourite.count({ where: { userId: actor.userId, coachProfileId, tenantId: actor.tenantId } })) > 0
      );
    },
  };
}
