import type { Role } from "../db/client.ts";
import type { DataResource, RelationshipStatus } from "../db/generated/enums.ts";

/**
 * The one place that says who may read a client's journal, goals and task logs (ADR 019).
 *
 * - The client always reads their own data (no access-log row).
 * - A coach reads a client's journal or goals only while they have a relationship that is not
 *   ENDED (ACTIVE or PAUSED) and the client's consent for that coach has the switch on.
 * - Task logs and reflections are always shared with the coach who assigned the task (the task
 *   thread exists for that coach), but only with that coach.
 * - Nobody else: not other coaches, not tenant admins (they never read journals), not anyone of
 *   another tenant. Every allowed read by someone other than the client is audited.
 */
export type ClientDataResource = DataResource;

export interface ClientDataViewer {
  userId: string;
  role: Role;
  /** The viewer's coach profile in the client's tenant, if they have one. */
  coachProfileId?: string | null;
}

export interface ClientDataDecision {
  allowed: boolean;
  /** An allowed read that must append one DataAccessLog row (anyone but the client). */
  audit: boolean;
  /** Why not, for the person refused. */
  reason?: string;
}

export function canReadClientData(input: {
  viewer: ClientDataViewer;
  clientId: string;
  resource: ClientDataResource;
  relationship: { coachProfileId: string; clientId: string; status: RelationshipStatus } | null;
  consent: { journal: boolean; goals: boolean } | null;
  /** The viewer is the coach who assigned the task whose logs are read (TASK_LOGS only). */
  assigningCoach?: boolean;
}): ClientDataDecision {
  const { viewer, clientId, resource, relationship, consent } = input;
  if (viewer.userId === clientId) return { allowed: true, audit: false };
  const what = { JOURNAL: "journal", GOALS: "goals", TASK_LOGS: "task logs" }[resource];
  if (viewer.role === "TENANT_ADMIN" || viewer.role === "SYSTEM_ADMIN")
    return { allowed: false, audit: false, reason: `Organisation administrators cannot read a client's ${what}.` };
  if (resource === "TASK_LOGS") {
    return input.assigningCoach
      ? { allowed: true, audit: true }
      : { allowed: false, audit: false, reason: "Only the coach who assigned this task can read its logs." };
  }
  const ownCoach =
    relationship !== null &&
    viewer.coachProfileId != null &&
    relationship.coachProfileId === viewer.coachProfileId &&
    relationship.clientId === clientId &&
    relationship.status !== "ENDED";
  if (!ownCoach) return { allowed: false, audit: false, reason: "This person is not your client." };
  const shared = resource === "JOURNAL" ? consent?.journal === true : consent?.goals === true;
  if (!shared) return { allowed: false, audit: false, reason: `Your client has not shared their ${what} with you.` };
  return { allowed: true, audit: true };
}

/**
 * Every tRPC procedure that returns a client's journal, goals or task logs, with the resource it
 * returns. tests/integration/consent-matrix.test.ts has a case for each and fails when a
 * procedure of the router is in neither this list nor `NOT_CLIENT_DATA` below, so a procedure
 * that returns client data cannot be added without a consent case.
 */
export const CLIENT_DATA_PROCEDURES: Record<string, ClientDataResource> = {
  "journal.today": "JOURNAL",
  "journal.mine": "JOURNAL",
  "journal.forClient": "JOURNAL",
  "goals.mine": "GOALS",
  "goals.get": "GOALS",
  "goals.forClient": "GOALS",
  "tasks.mine": "TASK_LOGS",
  "tasks.get": "TASK_LOGS",
  "tasks.goalOptions": "GOALS",
};
