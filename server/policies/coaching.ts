import type { Delivery, Role, SessionType } from "../db/client.ts";

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
export const canReviewApplications = (actor: Pick<Actor, "role">) =>
  actor.role === "TENANT_ADMIN" || isCertified(actor);

/** Suspension, reinstatement, fee overrides, featuring, credential verification and moderation. */
export const canAdministerCoaches = (actor: Pick<Actor, "role">) => actor.role === "TENANT_ADMIN";

/** Only a certified coach grants certification. */
export const canCertify = (actor: Pick<Actor, "role">) => isCertified(actor);

/**
 * How a client may meet for a service: in person for an in-person service; otherwise the
 * service's own kind (video, phone or chat) plus the coach's other online kinds from their profile.
 */
export function offeredSessionTypes(
  service: { delivery: Delivery; sessionType: SessionType },
  coachSessionTypes: readonly string[],
): SessionType[] {
  if (service.delivery === "IN_PERSON") return ["IN_PERSON"];
  return (["VIDEO", "PHONE", "CHAT"] as const).filter(
    (t) => t === service.sessionType || coachSessionTypes.includes(t),
  );
}
