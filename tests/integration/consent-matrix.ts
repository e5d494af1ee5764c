import { appRouter } from "@server/trpc/root.ts";
import { CLIENT_DATA_PROCEDURES, type ClientDataResource } from "@server/policies/client-data.ts";
import type { TestApp } from "../helpers/app.ts";
import { createCoach, createTenant, createUser } from "../helpers/factories.ts";

/**
 * The consent matrix: every procedure that returns a client's journal, goals or task logs ×
 * consent state × role. Only the client and their own current coach with that consent may see
 * the data; every allowed read by the coach appends exactly one access-log row, and nothing
 * else writes one. Used by tests/integration/consent-matrix.test.ts and `npm run audit:access`.
 */

/** Procedure domains that hold no client journal, goals or task logs (reviewed as a whole). */
export const DOMAINS_WITHOUT_CLIENT_DATA = [
  "auth",
  "tenant",
  "admin",
  "dashboard",
  "notifications",
  "coach",
  "coachAdmin",
  "offerings",
  "directory",
  "favourites",
  "reviews",
  "bookings",
  "earnings",
  "payments",
  "calcom",
  "packages",
  "sessions",
  "sessionNotes",
  "chat",
];

/**
 * Procedures of the workspace domains that return no client data, each with why. A procedure of
 * a workspace domain must be here or in CLIENT_DATA_PROCEDURES (server/policies/client-data.ts).
 */
export const NOT_CLIENT_DATA: Record<string, string> = {
  "relationships.mine": "the client's own coaches and consent switches",
  "relationships.clients": "names, states and consent switches, no journal or goals",
  "relationships.get": "state and history of one relationship",
  "relationships.clientOverview":
    "sessions and the coach's own notes; journal and goals come from their gated procedures",
  "relationships.invite": "mutation, returns the invitation id",
  "relationships.respondToInvitation": "mutation, returns the outcome",
  "relationships.pause": "mutation, returns the new state",
  "relationships.resume": "mutation, returns the new state",
  "relationships.end": "mutation, returns the new state",
  "consent.mine": "the client's own switches",
  "consent.get": "switches only",
  "consent.update": "mutation by the client, returns the switches",
  "consent.history": "switch changes only",
  "consent.accessLog": "the client's own log (who read what), not the data",
  "journal.save": "mutation by the member on their own journal",
  "goals.create": "mutation by the client on their own goals",
  "goals.update": "mutation by the client on their own goals",
  "goals.addMilestone": "mutation by the client on their own goals",
  "goals.setMilestoneDone": "mutation by the client on their own goals",
  "goals.removeMilestone": "mutation by the client on their own goals",
  "goals.claim": "mutation by the client on their own goals",
  "goals.setStatus": "mutation by the client on their own goals",
  "goals.confirm": "mutation by a consented coach, returns the status only (the read is gated and logged)",
  "exercises.library": "the coach's own and the shared exercises: no client data",
  "exercises.get": "one exercise of the library",
  "exercises.create": "mutation on the coach's own library",
  "exercises.update": "mutation on the coach's own library",
  "exercises.archive": "mutation on the coach's own library",
  "exercises.setPublished": "mutation on the coach's own library",
  "exercises.copy": "mutation on the coach's own library",
  "exercises.uploadFile": "mutation on the coach's own library",
  "exercises.deleteFile": "mutation on the coach's own library",
  "tasks.assign": "mutation by the coach, returns the new task without logs",
  "tasks.forClient": "titles, states and due dates of the tasks the coach assigned, without logs",
  "tasks.assignOptions": "the coach's own active clients (names, zones)",
  "tasks.log": "mutation by the client on their own task",
  "tasks.start": "mutation by the client on their own task",
  "tasks.reflect": "mutation by the client, returns the stored message",
  "tasks.feedback": "mutation by the assigning coach, returns the stored message",
  "tasks.review": "mutation by the assigning coach, returns the status",
  "tasks.complete": "mutation by a participant, returns the status",
  "tasks.reopen": "mutation by the assigning coach, returns the status",
  "tasks.proposeNext": "mutation by the assigning coach, returns the follow-up task without logs",
};

/** Every procedure of the router that is classified neither way (must be empty). */
export function unclassifiedProcedures(): string[] {
  return Object.keys(appRouter._def.procedures).filter(
    (p) =>
      !(p in CLIENT_DATA_PROCEDURES) &&
      !(p in NOT_CLIENT_DATA) &&
      !DOMAINS_WITHOUT_CLIENT_DATA.includes(p.split(".")[0]!),
  );
}

export const ROLES = ["client", "ownCoach", "formerCoach", "otherCoach", "tenantAdmin", "otherTenant"] as const;
export type MatrixRole = (typeof ROLES)[number];
export const CONSENT_STATES = [
  { name: "off", journal: false, goals: false },
  { name: "journal only", journal: true, goals: false },
  { name: "goals only", journal: false, goals: true },
  { name: "on", journal: true, goals: true },
] as const;

const JOURNAL_MARK = "MATRIX-JOURNAL-ENTRY";
const GOAL_MARK = "MATRIX-GOAL";
const TASK_MARK = "MATRIX-TASK-LOG";

interface World {
  clientId: string;
  goalId: string;
  taskId: string;
}
type Api = Awaited<ReturnType<TestApp["as"]>>["api"];
interface MatrixCase {
  call: (api: Api, w: World) => Promise<unknown>;
  /** Whether the answer carries the client's data. */
  sees: (result: unknown) => boolean;
  /** The viewer's own data only (no client id in the input): nobody but the client may see the client's. */
  selfOnly?: boolean;
  /** Who sees it, when that differs from `allowed` (e.g. a coach-only procedure). */
  expected?: (role: MatrixRole, consent: { journal: boolean; goals: boolean }) => boolean;
}

const hasMark = (mark: string) => (result: unknown) => JSON.stringify(result ?? null).includes(mark);

/** How to call each client-data procedure. A procedure in the registry without a case fails the matrix. */
export const MATRIX_CASES: Record<string, MatrixCase> = {
  "journal.today": { call: (api) => api.journal.today(), sees: hasMark(JOURNAL_MARK), selfOnly: true },
  "journal.mine": { call: (api) => api.journal.mine({}), sees: hasMark(JOURNAL_MARK), selfOnly: true },
  "journal.forClient": {
    call: (api, w) => api.journal.forClient({ clientId: w.clientId }),
    sees: hasMark(JOURNAL_MARK),
  },
  "goals.mine": { call: (api) => api.goals.mine(), sees: hasMark(GOAL_MARK), selfOnly: true },
  "goals.get": { call: (api, w) => api.goals.get({ goalId: w.goalId }), sees: hasMark(GOAL_MARK) },
  "goals.forClient": { call: (api, w) => api.goals.forClient({ clientId: w.clientId }), sees: hasMark(GOAL_MARK) },
  "tasks.mine": { call: (api) => api.tasks.mine(), sees: hasMark(TASK_MARK), selfOnly: true },
  // The assigning coach reads the task's logs whatever the journal and goals switches say.
  "tasks.get": { call: (api, w) => api.tasks.get({ taskId: w.taskId }), sees: hasMark(TASK_MARK) },
  // Coaches only: the client's goals to link a task to, by goals consent.
  "tasks.goalOptions": {
    call: (api, w) => api.tasks.goalOptions({ clientId: w.clientId }),
    sees: hasMark(GOAL_MARK),
    expected: (role, consent) => role === "ownCoach" && consent.goals,
  },
};

export interface MatrixResult {
  procedures: number;
  cases: number;
  leaks: number;
  unaudited_reads: number;
  /** Every wrong cell, readable ("goals.get × off × ownCoach: leak"). */
  failures: string[];
}

/** Who may see what: the client always; their current coach with the matching consent (task logs: the assigning coach, who is the own coach here); nobody else. */
export const allowed = (
  role: MatrixRole,
  resource: ClientDataResource,
  consent: { journal: boolean; goals: boolean },
) =>
  role === "client" ||
  (role === "ownCoach" && (resource === "JOURNAL" ? consent.journal : resource === "GOALS" ? consent.goals : true));

export async function runConsentMatrix(app: TestApp): Promise<MatrixResult> {
  const failures: string[] = [];
  const missing = Object.keys(CLIENT_DATA_PROCEDURES).filter((p) => !MATRIX_CASES[p]);
  for (const p of missing) failures.push(`${p}: returns client data but has no consent case`);
  for (const p of unclassifiedProcedures())
    failures.push(`${p}: not classified (add it to CLIENT_DATA_PROCEDURES with a case, or to NOT_CLIENT_DATA)`);

  // The world: one client with a journal entry and a goal; their coach; a former coach (ended,
  // consent left on); another coach; the tenant admin; a coach of another tenant.
  const t = await createTenant(app, { name: "Matrix Org" });
  const other = await createTenant(app, { name: "Other Org" });
  const client = await createUser(app, t, "CLIENT", { name: "Mia Matrix" });
  const ownCoach = await createCoach(app, t, { name: "Own Coach" });
  const formerCoach = await createCoach(app, t, { name: "Former Coach" });
  const otherCoach = await createCoach(app, t, { name: "Other Coach" });
  const tenantAdmin = await createUser(app, t, "TENANT_ADMIN");
  const otherTenant = await createCoach(app, other, { name: "Foreign Coach" });
  const rel = app.tandem.services.relationships;
  for (const c of [ownCoach, formerCoach])
    await rel.startForBooking({ tenantId: t.id, coachProfileId: c.profile.id, clientId: client.user.id });
  const clientApi = (await app.as(client.token)).api;
  await clientApi.consent.update({ coachProfileId: formerCoach.profile.id, journal: true, goals: true });
  const former = await app.db.coachingRelationship.findFirstOrThrow({
    where: { coachProfileId: formerCoach.profile.id },
  });
  await clientApi.relationships.end({ relationshipId: former.id, reason: "matrix" });
  await clientApi.journal.save({ date: (await clientApi.journal.today()).date, body: `${JOURNAL_MARK}: a good day` });
  const goal = await clientApi.goals.create({
    title: `${GOAL_MARK} run 5k`,
    milestones: [{ title: "2k", targetDate: null }],
  });
  // A three-day challenge the own coach assigned, with today's log.
  const coachApi = (await app.as(ownCoach.token)).api;
  const { today } = await clientApi.tasks.mine();
  const plusDays = (day: string, n: number) =>
    new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
  const task = await coachApi.tasks.assign({
    clientId: client.user.id,
    title: `${TASK_MARK} evening walk`,
    instructions: "Walk for ten minutes after dinner.",
    logFields: [{ key: "felt", label: "How it felt", type: "text" }],
    repeatDays: 3,
    dueOn: plusDays(today, 2),
  });
  await clientApi.tasks.log({ taskId: task.id, day: today, values: { felt: `${TASK_MARK}: calm` } });
  const w: World = { clientId: client.user.id, goalId: goal.id, taskId: task.id };
  const tokens: Record<MatrixRole, string> = {
    client: client.token,
    ownCoach: ownCoach.token,
    formerCoach: formerCoach.token,
    otherCoach: otherCoach.token,
    tenantAdmin: tenantAdmin.token,
    otherTenant: otherTenant.token,
  };

  let cases = 0;
  let leaks = 0;
  let unaudited = 0;
  const logCount = () => app.db.dataAccessLog.count({ where: { clientId: client.user.id } });
  for (const consent of CONSENT_STATES) {
    await clientApi.consent.update({
      coachProfileId: ownCoach.profile.id,
      journal: consent.journal,
      goals: consent.goals,
    });
    for (const [procedure, resource] of Object.entries(CLIENT_DATA_PROCEDURES)) {
      const c = MATRIX_CASES[procedure];
      if (!c) continue;
      for (const role of ROLES) {
        cases++;
        const cell = `${procedure} × consent ${consent.name} × ${role}`;
        const before = await logCount();
        let visible = false;
        try {
          visible = c.sees(await c.call((await app.as(tokens[role])).api, w));
        } catch (error) {
          const code = (error as { code?: string }).code;
          if (code !== "FORBIDDEN" && code !== "NOT_FOUND") failures.push(`${cell}: unexpected error ${String(error)}`);
        }
        const written = (await logCount()) - before;
        const expected = c.expected
          ? c.expected(role, consent)
          : c.selfOnly
            ? role === "client"
            : allowed(role, resource, consent);
        if (visible && !expected) {
          leaks++;
          failures.push(`${cell}: LEAK (saw the client's data)`);
        }
        if (!visible && expected) failures.push(`${cell}: the data should be visible`);
        const wantRows = visible && role !== "client" ? 1 : 0;
        if (visible && role !== "client" && written !== 1) {
          unaudited++;
          failures.push(`${cell}: read wrote ${written} access-log rows, not 1`);
        } else if (written !== wantRows)
          failures.push(`${cell}: wrote ${written} access-log rows, expected ${wantRows}`);
      }
    }
  }
  return { procedures: Object.keys(CLIENT_DATA_PROCEDURES).length, cases, leaks, unaudited_reads: unaudited, failures };
}
