import type { Role } from "../db/client.ts";

/** The one place that says who may do what in the coaching marketplace. */
export interface Actor {
  userId: string;
  tenantId: string;
  role: Role;
}

export const COACH_ROLES: readonly Role[] = ["COACH", "CERTIFIED_COACH", "PERSONAL_TRAINER"];

export const isCoachRole = (role: Role) => COACH_ROLES.includes(role);

/** Certified coaches' extra capabilities (reviewing applications now; group sessions and shared exercises later). */
export const isCertified = (actor: Pick<Actor, "role">) => actor.role === "CERTIFIED_COACH";

/** Who decides on coach applications: tenant admins and certified coaches. */
export const canReviewApplications = (actor: Pick<Actor, "role">) => actor.role === "TENANT_ADMIN" || isCertified(actor);

/** Suspension, reinstatement, fee overrides, featuring, credential verification and moderation. */
export const canAdministerCoaches = (actor: Pick<Actor, "role">) => actor.role === "TENANT_ADMIN";

/** Only a certified coach grants certification. */
export const canCertify = (actor: Pick<Actor, "role">) => isCertified(actor);
