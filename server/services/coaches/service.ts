import { randomUUID } from "node:crypto";
import type { CoachStatus, Prisma } from "@server/db/client.ts";
import { ImageProcessingError, inspectUpload, resizeImage } from "@server/integrations/storage/uploads.ts";
import { AppError, forbidden, notFound } from "@server/errors.ts";
import {
  type Actor,
  canAdministerCoaches,
  canCertify,
  canReviewApplications,
  isCoachRole,
} from "@server/policies/coaching.ts";
import type { ServiceDeps } from "../deps.ts";
import type { NotificationService } from "../notifications/service.ts";
import { dayIn } from "../days.ts";
import { assertCoachTransition } from "./status.ts";

type Tx = Prisma.TransactionClient;

export const REVIEW_TARGET_HOURS = 48;
export const CERTIFICATION = { minGoalClients: 3, minRating: 4 } as const;

export const TOPICS = [
  "communication",
  "conflict resolution",
  "nutrition",
  "fitness",
  "mindfulness",
  "career",
  "relationships",
  "stress",
  "sleep",
  "leadership",
] as const;

export interface ProfileInput {
  displayName: string;
  bio: string;
  specialties: string[];
  topics: string[];
  languages: string[];
  location: string | null;
  timeZone: string;
  yearsExperience: number | null;
  education: string;
  approach: string;
  sessionTypes: ("VIDEO" | "PHONE" | "CHAT" | "IN_PERSON")[];
}

export interface CredentialInput {
  type: string;
  issuer: string;
  number: string;
  expiresOn: Date | null;
  document?: { name: string; bytes: Uint8Array } | null;
}

export const PHOTO_MAX_BYTES = 5 * 1024 * 1024;
export const DOCUMENT_MAX_BYTES = 10 * 1024 * 1024;

const HOUR = 3_600_000;

/**
 * Coach applications, the coach status machine, profiles, credentials and certification.
 * Every function takes the acting viewer; tenant scoping comes from `actor.tenantId`.
 */
export function createCoachService({ db, now, storage, log }: ServiceDeps, notifications: NotificationService) {
  async function profileInTenant(tenantId: string, profileId: string) {
    const profile = await db.coachProfile.findFirst({ where: { id: profileId, tenantId } });
    if (!profile) throw notFound("That coach");
    return profile;
  }

  async function ownProfile(actor: Actor) {
    const profile = await db.coachProfile.findUnique({
      where: { tenantId_userId: { tenantId: actor.tenantId, userId: actor.userId } },
    });
    if (!profile) throw notFound("Your coach profile");
    return profile;
  }

  async function transition(
    tx: Tx,
    profile: { id: string; tenantId: string; status: CoachStatus },
    to: CoachStatus,
    actorId: string | null,
    reason: string | null,
  ) {
    assertCoachTransition(profile.status, to);
    // Compare-and-set on the status: a concurrent decision loses with a clear error.
    const { count } = await tx.coachProfile.updateMany({
      where: { id: profile.id, status: profile.status },
      data: {
        status: to,
        statusReason: reason,
        ...(to === "APPROVED" || to === "REJECTED" ? { decidedAt: now(), decidedById: actorId } : {}),
      },
    });
    if (count === 0)
      throw new AppError("CONFLICT", "Someone else changed this coach's status just now. Reload and try again.");
    await tx.coachStatusChange.create({
      data: { tenantId: profile.tenantId, coachProfileId: profile.id, from: profile.status, to, reason, actorId },
    });
  }

  async function eligibility(tenantId: string, userId: string) {
    const [tenant, user, exercises] = await Promise.all([
      db.tenant.findUniqueOrThrow({
        where: { id: tenantId },
        select: { eligibilityMinExercises: true, eligibilityMinJournalDays: true, eligibilityJournalWindowDays: true },
      }),
      db.user.findUniqueOrThrow({ where: { id: userId }, select: { timeZone: true } }),
      db.exerciseCompletion.count({ where: { tenantId, userId } }),
    ]);
    // Distinct days with words written (one row per day; an emptied day has no row or no body), within the
    // tenant's window up to the member's today (in their zone) when it has one.
    const window = tenant.eligibilityJournalWindowDays;
    const since =
      window === null
        ? undefined
        : new Date(Date.parse(`${dayIn(now(), user.timeZone)}T00:00:00Z`) - (window - 1) * 86_400_000);
    const journalDays = await db.journalEntry.count({
      where: { tenantId, userId, body: { not: null }, ...(since ? { entryDate: { gte: since } } : {}) },
    });
    const rules = [
      {
        key: "completedExercises",
        label: `Complete at least ${tenant.eligibilityMinExercises} exercises`,
        required: tenant.eligibilityMinExercises,
        actual: exercises,
      },
      {
        key: "journalDays",
        label:
          tenant.eligibilityJournalWindowDays === null
            ? `Journal on at least ${tenant.eligibilityMinJournalDays} days`
            : `Journal on at least ${tenant.eligibilityMinJournalDays} days in the last ${tenant.eligibilityJournalWindowDays}`,
        required: tenant.eligibilityMinJournalDays,
        actual: journalDays,
      },
    ].map((r) => ({ ...r, met: r.actual >= r.required }));
    return { rules, eligible: rules.every((r) => r.met) };
  }

  async function reviewers(tenantId: string) {
    return db.membership.findMany({
      where: { tenantId, role: { in: ["TENANT_ADMIN", "CERTIFIED_COACH"] } },
      select: { userId: true },
    });
  }

  async function certificationChecklist(tenantId: string, profileId: string) {
    const profile = await profileInTenant(tenantId, profileId);
    const goalClients = await db.coachingRelationship.count({
      where: { coachProfileId: profile.id, goalReachedAt: { not: null } },
    });
    const items = [
      {
        key: "approved",
        label: "Approved coach in good standing",
        met: profile.status === "APPROVED",
        actual: profile.status === "APPROVED" ? 1 : 0,
        required: 1,
      },
      {
        key: "goalClients",
        label: `At least ${CERTIFICATION.minGoalClients} clients reached their goals`,
        met: goalClients >= CERTIFICATION.minGoalClients,
        actual: goalClients,
        required: CERTIFICATION.minGoalClients,
      },
      {
        key: "rating",
        label: `Average rating of at least ${CERTIFICATION.minRating.toFixed(1)}`,
        met: profile.ratingCount > 0 && profile.ratingAvg >= CERTIFICATION.minRating,
        actual: Math.round(profile.ratingAvg * 10) / 10,
        required: CERTIFICATION.minRating,
      },
    ];
    return {
      certified: profile.certifiedAt !== null,
      certifiedAt: profile.certifiedAt,
      items,
      eligible: items.every((i) => i.met),
    };
  }

  return {
    eligibility,
    certificationChecklist,

    /** The viewer's own application or profile, with what the eligibility rules say. */
    async myStatus(actor: Actor) {
      const profile = await db.coachProfile.findUnique({
        where: { tenantId_userId: { tenantId: actor.tenantId, userId: actor.userId } },
      });
      return { profile, eligibility: await eligibility(actor.tenantId, actor.userId) };
    },

    async apply(actor: Actor, input: { motivation: string; specialties: string[]; credentialsSummary: string }) {
      if (isCoachRole(actor.role)) throw new AppError("CONFLICT", "You are already a coach in this organisation.");
      if (actor.role !== "CLIENT") throw forbidden("Only members with a client account can apply to become a coach.");
      const check = await eligibility(actor.tenantId, actor.userId);
      if (!check.eligible) {
        const missing = check.rules.filter((r) => !r.met).map((r) => `${r.label} (you have ${r.actual})`);
        throw new AppError("BAD_REQUEST", `You do not meet the criteria yet: ${missing.join("; ")}.`);
      }
      const user = await db.user.findUniqueOrThrow({
        where: { id: actor.userId },
        select: { name: true, timeZone: true },
      });
      const existing = await db.coachProfile.findUnique({
        where: { tenantId_userId: { tenantId: actor.tenantId, userId: actor.userId } },
      });
      const profile = await db.$transaction(async (tx) => {
        if (existing) {
          if (existing.status === "PENDING")
            throw new AppError("CONFLICT", "Your application is already waiting for review.");
          await transition(tx, existing, "PENDING", actor.userId, null);
          return tx.coachProfile.update({
            where: { id: existing.id },
            data: {
              motivation: input.motivation,
              specialties: input.specialties,
              credentialsSummary: input.credentialsSummary,
              appliedAt: now(),
              decidedAt: null,
              decidedById: null,
            },
          });
        }
        const created = await tx.coachProfile.create({
          data: {
            tenantId: actor.tenantId,
            userId: actor.userId,
            status: "PENDING",
            motivation: input.motivation,
            specialties: input.specialties,
            credentialsSummary: input.credentialsSummary,
            displayName: user.name,
            timeZone: user.timeZone,
            appliedAt: now(),
          },
        });
        await tx.coachStatusChange.create({
          data: {
            tenantId: actor.tenantId,
            coachProfileId: created.id,
            from: null,
            to: "PENDING",
            actorId: actor.userId,
          },
        });
        return created;
      });
      for (const r of await reviewers(actor.tenantId)) {
        await notifications.notify({
          tenantId: actor.tenantId,
          userId: r.userId,
          kind: "coach.application",
          title: `${user.name} applied to become a coach`,
          body: "Review it within 48 hours.",
          link: "/coaching/review",
        });
      }
      return profile;
    },

    /** Pending applications, oldest first, with their age against the 48-hour target. */
    async reviewQueue(actor: Actor) {
      if (!canReviewApplications(actor))
        throw forbidden("Only organisation admins and certified coaches review applications.");
      const pending = await db.coachProfile.findMany({
        where: { tenantId: actor.tenantId, status: "PENDING" },
        orderBy: { appliedAt: "asc" },
        select: {
          id: true,
          displayName: true,
          motivation: true,
          specialties: true,
          credentialsSummary: true,
          appliedAt: true,
          userId: true,
          user: { select: { email: true } },
        },
      });
      const at = now().getTime();
      return Promise.all(
        pending.map(async (p) => {
          const ageHours = Math.floor((at - p.appliedAt.getTime()) / HOUR);
          return {
            ...p,
            email: p.user.email,
            ageHours,
            overdue: ageHours >= REVIEW_TARGET_HOURS,
            eligibility: await eligibility(actor.tenantId, p.userId),
          };
        }),
      );
    },

    async decide(actor: Actor, profileId: string, decision: { approve: boolean; reason: string | null }) {
      if (!canReviewApplications(actor))
        throw forbidden("Only organisation admins and certified coaches decide on applications.");
      const profile = await profileInTenant(actor.tenantId, profileId);
      if (profile.userId === actor.userId) throw forbidden("You cannot decide on your own application.");
      if (!decision.approve && !decision.reason?.trim()) {
        throw new AppError("BAD_REQUEST", "Give the applicant a reason for the rejection.", {
          reason: ["Give the applicant a reason for the rejection."],
        });
      }
      await db.$transaction(async (tx) => {
        await transition(
          tx,
          profile,
          decision.approve ? "APPROVED" : "REJECTED",
          actor.userId,
          decision.reason?.trim() || null,
        );
        if (decision.approve) {
          await tx.membership.updateMany({
            where: { tenantId: actor.tenantId, userId: profile.userId, role: "CLIENT" },
            data: { role: "COACH" },
          });
        }
      });
      await notifications.notify({
        tenantId: actor.tenantId,
        userId: profile.userId,
        kind: decision.approve ? "coach.approved" : "coach.rejected",
        title: decision.approve ? "You are now a coach on Tandem" : "Your coach application was not approved",
        body: decision.approve
          ? "Fill in your profile and add a service so that clients can find you."
          : `Reason: ${decision.reason}`,
        link: decision.approve ? "/coaching/profile" : "/coaching/apply",
        email: true,
      });
      return db.coachProfile.findUniqueOrThrow({ where: { id: profile.id } });
    },

    async suspend(actor: Actor, profileId: string, reason: string) {
      if (!canAdministerCoaches(actor)) throw forbidden("Only organisation admins suspend coaches.");
      const profile = await profileInTenant(actor.tenantId, profileId);
      await db.$transaction((tx) => transition(tx, profile, "SUSPENDED", actor.userId, reason));
      await notifications.notify({
        tenantId: actor.tenantId,
        userId: profile.userId,
        kind: "coach.suspended",
        title: "Your coach profile is suspended",
        body: `Reason: ${reason}`,
        email: true,
      });
      return db.coachProfile.findUniqueOrThrow({ where: { id: profile.id } });
    },

    async reinstate(actor: Actor, profileId: string) {
      if (!canAdministerCoaches(actor)) throw forbidden("Only organisation admins reinstate coaches.");
      const profile = await profileInTenant(actor.tenantId, profileId);
      await db.$transaction((tx) => transition(tx, profile, "APPROVED", actor.userId, null));
      await notifications.notify({
        tenantId: actor.tenantId,
        userId: profile.userId,
        kind: "coach.reinstated",
        title: "Your coach profile is listed again",
        email: true,
      });
      return db.coachProfile.findUniqueOrThrow({ where: { id: profile.id } });
    },

    /** Every coach of the tenant in any status, for the admin overview. */
    async listForAdmin(actor: Actor) {
      if (!canAdministerCoaches(actor) && !canReviewApplications(actor)) throw forbidden();
      return db.coachProfile.findMany({
        where: { tenantId: actor.tenantId },
        orderBy: [{ status: "asc" }, { displayName: "asc" }],
        select: {
          id: true,
          displayName: true,
          status: true,
          statusReason: true,
          platformFeeBpsOverride: true,
          featuredRank: true,
          certifiedAt: true,
          ratingAvg: true,
          ratingCount: true,
          user: { select: { email: true } },
        },
      });
    },

    ownProfile,

    async updateProfile(actor: Actor, input: ProfileInput) {
      const profile = await ownProfile(actor);
      if (profile.status === "PENDING" || profile.status === "REJECTED")
        throw forbidden("You can edit your profile once your application is approved.");
      return db.coachProfile.update({
        where: { id: profile.id },
        data: { ...input, location: input.location?.trim() || null },
      });
    },

    /** Checks the real file type and size, stores a 400x400 WebP without metadata, replaces the old photo. */
    async uploadPhoto(actor: Actor, bytes: Uint8Array) {
      const profile = await ownProfile(actor);
      if (profile.status !== "APPROVED" && profile.status !== "SUSPENDED")
        throw forbidden("You can add a photo once your application is approved.");
      const check = await inspectUpload(bytes, {
        allowed: ["image/jpeg", "image/png", "image/webp"],
        maxBytes: PHOTO_MAX_BYTES,
      });
      if (!check.ok) throw new AppError("BAD_REQUEST", check.message, { photo: [check.message] });
      let resized;
      try {
        resized = await resizeImage(bytes, { width: 400, height: 400 });
      } catch (error) {
        if (error instanceof ImageProcessingError)
          throw new AppError("BAD_REQUEST", error.message, { photo: [error.message] });
        throw error;
      }
      const key = `avatars/${actor.tenantId}/${profile.id}-${randomUUID()}.webp`;
      await storage.put(key, resized.bytes, resized.contentType);
      const updated = await db.coachProfile.update({ where: { id: profile.id }, data: { photoKey: key } });
      if (profile.photoKey)
        await storage
          .delete(profile.photoKey)
          .catch((e: unknown) => log.warn("old photo not deleted", { key: profile.photoKey, error: String(e) }));
      return updated;
    },

    /** A profile photo, for members of the photo's tenant. */
    async photo(actor: Pick<Actor, "tenantId">, key: string) {
      if (!key.startsWith(`avatars/${actor.tenantId}/`)) return null;
      return storage.get(key);
    },

    async setFeeOverride(actor: Actor, profileId: string, platformFeeBps: number | null) {
      if (!canAdministerCoaches(actor)) throw forbidden("Only organisation admins set coach fees.");
      await profileInTenant(actor.tenantId, profileId);
      return db.coachProfile.update({ where: { id: profileId }, data: { platformFeeBpsOverride: platformFeeBps } });
    },

    async setFeatured(actor: Actor, profileId: string, rank: number | null) {
      if (!canAdministerCoaches(actor)) throw forbidden("Only organisation admins curate featured coaches.");
      const profile = await profileInTenant(actor.tenantId, profileId);
      if (rank !== null && profile.status !== "APPROVED")
        throw new AppError("CONFLICT", "Only approved coaches can be featured.");
      return db.coachProfile.update({ where: { id: profileId }, data: { featuredRank: rank } });
    },

    async certify(actor: Actor, profileId: string) {
      if (!canCertify(actor)) throw forbidden("Only certified coaches grant certification.");
      const profile = await profileInTenant(actor.tenantId, profileId);
      if (profile.userId === actor.userId) throw forbidden("You cannot certify yourself.");
      const checklist = await certificationChecklist(actor.tenantId, profileId);
      if (checklist.certified) throw new AppError("CONFLICT", "This coach is already certified.");
      if (!checklist.eligible) {
        throw new AppError(
          "BAD_REQUEST",
          `Not all criteria are met: ${checklist.items
            .filter((i) => !i.met)
            .map((i) => i.label)
            .join("; ")}.`,
        );
      }
      await db.$transaction(async (tx) => {
        await tx.coachProfile.update({
          where: { id: profileId },
          data: { certifiedAt: now(), certifiedById: actor.userId },
        });
        await tx.membership.updateMany({
          where: { tenantId: actor.tenantId, userId: profile.userId, role: "COACH" },
          data: { role: "CERTIFIED_COACH" },
        });
      });
      await notifications.notify({
        tenantId: actor.tenantId,
        userId: profile.userId,
        kind: "coach.certified",
        title: "You are now a certified coach",
        body: "You can review coach applications.",
        email: true,
      });
      return certificationChecklist(actor.tenantId, profileId);
    },

    /** Approved coaches a certified coach may look at for certification, with their checklists. */
    async certificationCandidates(actor: Actor) {
      if (!canCertify(actor)) throw forbidden("Only certified coaches grant certification.");
      const coaches = await db.coachProfile.findMany({
        where: { tenantId: actor.tenantId, status: "APPROVED", certifiedAt: null, userId: { not: actor.userId } },
        select: { id: true, displayName: true },
        orderBy: { displayName: "asc" },
      });
      return Promise.all(
        coaches.map(async (c) => ({ ...c, checklist: await certificationChecklist(actor.tenantId, c.id) })),
      );
    },

    // ---- credentials ----

    /** Adds a credential; its document (PDF, JPEG or PNG, checked by content) is stored first. */
    async addCredential(actor: Actor, input: CredentialInput) {
      const profile = await ownProfile(actor);
      let document: { key: string; name: string; type: string; size: number } | null = null;
      if (input.document) {
        const check = await inspectUpload(input.document.bytes, {
          allowed: ["application/pdf", "image/jpeg", "image/png"],
          maxBytes: DOCUMENT_MAX_BYTES,
        });
        if (!check.ok) throw new AppError("BAD_REQUEST", check.message, { document: [check.message] });
        const key = `credentials/${actor.tenantId}/${profile.id}/${randomUUID()}.${check.ext}`;
        await storage.put(key, input.document.bytes, check.contentType);
        document = {
          key,
          name: input.document.name.slice(0, 200) || `document.${check.ext}`,
          type: check.contentType,
          size: check.size,
        };
      }
      try {
        return await db.credential.create({
          data: {
            tenantId: actor.tenantId,
            coachProfileId: profile.id,
            type: input.type,
            issuer: input.issuer,
            number: input.number,
            expiresOn: input.expiresOn,
            documentKey: document?.key ?? null,
            documentName: document?.name ?? null,
            documentType: document?.type ?? null,
            documentSize: document?.size ?? null,
          },
        });
      } catch (error) {
        if (document) await storage.delete(document.key).catch(() => undefined); // no orphan file
        throw error;
      }
    },

    async myCredentials(actor: Actor) {
      const profile = await ownProfile(actor);
      return db.credential.findMany({ where: { coachProfileId: profile.id }, orderBy: { createdAt: "desc" } });
    },

    async credentialsToVerify(actor: Actor) {
      if (!canAdministerCoaches(actor)) throw forbidden("Only organisation admins verify credentials.");
      return db.credential.findMany({
        where: { tenantId: actor.tenantId },
        orderBy: [{ status: "asc" }, { createdAt: "asc" }],
        include: { coachProfile: { select: { displayName: true } } },
      });
    },

    async verifyCredential(actor: Actor, credentialId: string, verified: boolean) {
      if (!canAdministerCoaches(actor)) throw forbidden("Only organisation admins verify credentials.");
      const credential = await db.credential.findFirst({ where: { id: credentialId, tenantId: actor.tenantId } });
      if (!credential) throw notFound("That credential");
      const updated = await db.credential.update({
        where: { id: credentialId },
        data: { status: verified ? "VERIFIED" : "REJECTED", verifiedById: actor.userId, verifiedAt: now() },
      });
      const coach = await db.coachProfile.findUniqueOrThrow({
        where: { id: credential.coachProfileId },
        select: { userId: true },
      });
      await notifications.notify({
        tenantId: actor.tenantId,
        userId: coach.userId,
        kind: "credential.reviewed",
        title: `Your credential "${credential.type}" was ${verified ? "verified" : "not accepted"}`,
        link: "/coaching/profile",
      });
      return updated;
    },

    /** A stored credential document, for its coach or a tenant admin only. */
    async credentialDocument(actor: Actor, credentialId: string) {
      const credential = await db.credential.findFirst({
        where: { id: credentialId, tenantId: actor.tenantId },
        include: { coachProfile: { select: { userId: true } } },
      });
      if (!credential?.documentKey) throw notFound("That document");
      if (credential.coachProfile.userId !== actor.userId && !canAdministerCoaches(actor))
        throw notFound("That document");
      const object = await storage.get(credential.documentKey);
      if (!object) throw notFound("That document");
      return {
        object,
        name: credential.documentName ?? "document",
        type: credential.documentType ?? object.contentType,
      };
    },

    /** Credentials that expire within `days` and have had no reminder yet (for the daily reminder job). */
    async sendExpiryReminders(days = 30) {
      const at = now();
      const until = new Date(at.getTime() + days * 24 * HOUR);
      const due = await db.credential.findMany({
        where: { expiresOn: { gte: new Date(at.toISOString().slice(0, 10)), lte: until }, reminderSentAt: null },
        include: { coachProfile: { select: { userId: true } } },
      });
      for (const c of due) {
        const claimed = await db.credential.updateMany({
          where: { id: c.id, reminderSentAt: null },
          data: { reminderSentAt: at },
        });
        if (claimed.count === 0) continue; // another node sent it
        await notifications.notify({
          tenantId: c.tenantId,
          userId: c.coachProfile.userId,
          kind: "credential.expiring",
          title: `Your credential "${c.type}" expires on ${c.expiresOn!.toISOString().slice(0, 10)}`,
          body: "Upload a renewed credential so that your verified badge stays on your profile.",
          link: "/coaching/profile",
          email: true,
        });
      }
      return { reminded: due.length };
    },
  };
}

export type CoachService = ReturnType<typeof createCoachService>;
