import type { Prisma } from "@server/db/client.ts";
import { AppError, forbidden, notFound } from "@server/errors.ts";
import { isUniqueViolation } from "@server/db/constraint-errors.ts";
import { type Actor, canAdministerCoaches } from "@server/policies/coaching.ts";
import type { ServiceDeps } from "../deps.ts";
import type { NotificationService } from "../notifications/service.ts";

/** Recomputes a coach's visible average and count (hidden reviews do not count). */
async function refreshRating(tx: Prisma.TransactionClient, coachProfileId: string) {
  const agg = await tx.review.aggregate({
    where: { coachProfileId, hiddenAt: null },
    _avg: { rating: true },
    _count: { _all: true },
  });
  await tx.coachProfile.update({
    where: { id: coachProfileId },
    data: { ratingAvg: agg._avg.rating ?? 0, ratingCount: agg._count._all },
  });
}

/**
 * Verified reviews: one per completed booking, by that booking's client. The coach answers
 * once; tenant admins hide a review with a reason. Anonymous reviews keep the author on record.
 */
export function createReviewService({ db, now }: ServiceDeps, notifications: NotificationService) {
  return {
    async create(actor: Actor, input: { bookingId: string; rating: number; text: string; anonymous: boolean }) {
      const booking = await db.booking.findFirst({
        where: { id: input.bookingId, tenantId: actor.tenantId, clientId: actor.userId },
        include: { coachProfile: { select: { userId: true } } },
      });
      if (!booking) throw notFound("That booking");
      if (booking.status !== "COMPLETED")
        throw new AppError("BAD_REQUEST", "You can review a session once it has taken place.");
      try {
        const review = await db.$transaction(async (tx) => {
          const created = await tx.review.create({
            data: {
              tenantId: actor.tenantId,
              bookingId: booking.id,
              coachProfileId: booking.coachProfileId,
              authorId: actor.userId,
              rating: input.rating,
              text: input.text,
              anonymous: input.anonymous,
            },
          });
          await refreshRating(tx, booking.coachProfileId);
          return created;
        });
        await notifications.notify({
          tenantId: actor.tenantId,
          userId: booking.coachProfile.userId,
          kind: "review.new",
          title: `New ${input.rating}-star review`,
          link: "/coaching/reviews",
        });
        return review;
      } catch (error) {
        if (isUniqueViolation(error)) throw new AppError("CONFLICT", "You already reviewed this session.");
        throw error;
      }
    },

    /** Completed bookings of the viewer that have no review yet. */
    reviewable(actor: Actor) {
      return db.booking.findMany({
        where: { tenantId: actor.tenantId, clientId: actor.userId, status: "COMPLETED", review: null },
        select: {
          id: true,
          startsAt: true,
          coachProfile: { select: { id: true, displayName: true } },
          service: { select: { name: true } },
        },
        orderBy: { startsAt: "desc" },
      });
    },

    async respond(actor: Actor, reviewId: string, response: string) {
      const review = await db.review.findFirst({
        where: { id: reviewId, tenantId: actor.tenantId },
        include: { coachProfile: { select: { userId: true } } },
      });
      if (!review) throw notFound("That review");
      if (review.coachProfile.userId !== actor.userId) throw forbidden("Only the reviewed coach can respond.");
      const { count } = await db.review.updateMany({
        where: { id: reviewId, response: null },
        data: { response, respondedAt: now() },
      });
      if (count === 0) throw new AppError("CONFLICT", "You already responded to this review.");
      return db.review.findUniqueOrThrow({ where: { id: reviewId } });
    },

    async hide(actor: Actor, reviewId: string, reason: string) {
      if (!canAdministerCoaches(actor)) throw forbidden("Only organisation admins moderate reviews.");
      const review = await db.review.findFirst({ where: { id: reviewId, tenantId: actor.tenantId } });
      if (!review) throw notFound("That review");
      return db.$transaction(async (tx) => {
        const hidden = await tx.review.update({
          where: { id: reviewId },
          data: { hiddenAt: now(), hiddenReason: reason, hiddenById: actor.userId },
        });
        await refreshRating(tx, review.coachProfileId);
        return hidden;
      });
    },

    /** Visible reviews of an approved coach; anonymous authors are not named. */
    async forCoach(tenantId: string, coachProfileId: string) {
      const reviews = await db.review.findMany({
        where: { tenantId, coachProfileId, hiddenAt: null, coachProfile: { status: "APPROVED" } },
        orderBy: { createdAt: "desc" },
        select: {
          id: true,
          rating: true,
          text: true,
          anonymous: true,
          response: true,
          respondedAt: true,
          createdAt: true,
          author: { select: { name: true } },
        },
      });
      return reviews.map(({ author, anonymous, ...r }) => ({
        ...r,
        anonymous,
        authorName: anonymous ? "Anonymous client" : author.name,
      }));
    },

    /** Every review of the tenant, hidden ones included, for moderation. */
    async forModeration(actor: Actor) {
      if (!canAdministerCoaches(actor)) throw forbidden("Only organisation admins moderate reviews.");
      return db.review.findMany({
        where: { tenantId: actor.tenantId },
        orderBy: { createdAt: "desc" },
        take: 100,
        include: { author: { select: { name: true, email: true } }, coachProfile: { select: { displayName: true } } },
      });
    },

    /** The coach's own reviews, to respond to. */
    async mine(actor: Actor) {
      const profile = await db.coachProfile.findUnique({
        where: { tenantId_userId: { tenantId: actor.tenantId, userId: actor.userId } },
        select: { id: true },
      });
      if (!profile) throw notFound("Your coach profile");
      const reviews = await db.review.findMany({
        where: { coachProfileId: profile.id },
        orderBy: { createdAt: "desc" },
        include: { author: { select: { name: true } } },
      });
      return reviews.map(({ author, ...r }) => ({ ...r, authorName: r.anonymous ? "Anonymous client" : author.name }));
    },
  };
}

export type ReviewService = ReturnType<typeof createReviewService>;
