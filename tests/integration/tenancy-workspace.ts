import { expect } from "vitest";
import type { TestApp } from "../helpers/app.ts";
import { createUser } from "../helpers/factories.ts";

/**
 * Tenant isolation cases for the coaching workspace's client data (relationships, consent,
 * journal, goals and the DIRECT thread), spread into tenancy.test.ts's `covered` map. Tenant B
 * has a relationship with consent on, a journal entry, a goal with a milestone, an access-log
 * row and an open invitation; no tenant A caller reaches any of it, and tenant B's own callers
 * see each item through the same procedure (so no check passes on an empty answer).
 */
type U = { user: { id: string }; email: string; token: string };
type C = U & { profile: { id: string } };
export interface TenancyWorld {
  app: TestApp;
  a: { id: string; slug: string };
  b: { id: string; slug: string };
  clientA: U;
  adminA: U;
  clientB: U;
  coachA: C;
  coachB: C;
}

export function workspaceCases(world: () => TenancyWorld): Record<string, () => Promise<void>> {
  const as = async (u: U) => (await world().app.as(u.token)).api;
  const notFoundOrForbidden = { code: expect.stringMatching(/^(NOT_FOUND|FORBIDDEN)$/) };
  let made:
    | Promise<{ relationshipId: string; threadId: string; goalId: string; milestoneId: string; invitationId: string }>
    | undefined;
  const beta = () =>
    (made ??= (async () => {
      const { app, b, clientB, coachB } = world();
      const started = await app.tandem.services.relationships.startForBooking({
        tenantId: b.id,
        coachProfileId: coachB.profile.id,
        clientId: clientB.user.id,
      });
      const relationshipId = started.relationshipId!;
      const { threadId } = await app.db.coachingRelationship.findUniqueOrThrow({ where: { id: relationshipId } });
      const client = await as(clientB);
      await client.consent.update({ coachProfileId: coachB.profile.id, journal: true, goals: true });
      const { date } = await client.journal.today();
      await client.journal.save({ date, body: "Beta journal" });
      const goal = await client.goals.create({
        title: "Beta goal",
        milestones: [{ title: "Beta step", targetDate: null }],
      });
      await (await as(coachB)).journal.forClient({ clientId: clientB.user.id });
      const invitee = await createUser(app, b);
      const inv = await (await as(coachB)).relationships.invite({ email: invitee.email, message: "" });
      return {
        relationshipId,
        threadId: threadId!,
        goalId: goal.id,
        milestoneId: goal.milestones[0]!.id,
        invitationId: inv.id,
      };
    })());
  const relStatus = async () =>
    (await world().app.db.coachingRelationship.findUniqueOrThrow({ where: { id: (await beta()).relationshipId } }))
      .status;
  const goalOf = async () =>
    world().app.db.goal.findUniqueOrThrow({ where: { id: (await beta()).goalId }, include: { milestones: true } });

  const refusesA = async (call: (api: Awaited<ReturnType<typeof as>>) => Promise<unknown>, who?: U[]) => {
    const { clientA, coachA, adminA } = world();
    for (const u of who ?? [clientA, coachA, adminA])
      await expect(call(await as(u))).rejects.toMatchObject(notFoundOrForbidden);
  };

  const changeCase = (kind: "pause" | "resume" | "end") => async () => {
    const { relationshipId } = await beta();
    await refusesA((api) => api.relationships[kind]({ relationshipId }));
    expect(await relStatus()).toBe("ACTIVE");
  };

  return {
    "chat.thread": async () => {
      const { threadId } = await beta();
      await refusesA((api) => api.chat.thread({ threadId }));
      expect((await (await as(world().clientB)).chat.thread({ threadId })).kind).toBe("DIRECT");
    },
    "relationships.mine": async () => {
      const { relationshipId } = await beta();
      const ids = async (u: U) => (await (await as(u)).relationships.mine()).relationships.map((r) => r.id);
      expect(await ids(world().clientA)).not.toContain(relationshipId);
      expect(await ids(world().clientB)).toContain(relationshipId);
    },
    "relationships.clients": async () => {
      const { relationshipId } = await beta();
      const ids = async (u: U) => (await (await as(u)).relationships.clients()).relationships.map((r) => r.id);
      expect(await ids(world().coachA)).not.toContain(relationshipId);
      expect(await ids(world().coachB)).toContain(relationshipId);
    },
    "relationships.get": async () => {
      const { relationshipId } = await beta();
      await refusesA((api) => api.relationships.get({ relationshipId }));
      expect((await (await as(world().coachB)).relationships.get({ relationshipId })).id).toBe(relationshipId);
    },
    "relationships.clientOverview": async () => {
      await beta();
      const clientId = world().clientB.user.id;
      await refusesA((api) => api.relationships.clientOverview({ clientId }), [world().coachA]);
      expect((await (await as(world().coachB)).relationships.clientOverview({ clientId })).relationship.client.id).toBe(
        clientId,
      );
    },
    "relationships.invite": async () => {
      const { app, coachA, clientB } = world();
      await expect(
        (await as(coachA)).relationships.invite({ email: clientB.email, message: "" }),
      ).rejects.toMatchObject({
        code: "BAD_REQUEST",
      });
      expect(
        await app.db.coachInvitation.count({ where: { coachProfileId: coachA.profile.id, clientId: clientB.user.id } }),
      ).toBe(0);
    },
    "relationships.respondToInvitation": async () => {
      const { invitationId } = await beta();
      await refusesA((api) => api.relationships.respondToInvitation({ invitationId, accept: true }));
      expect((await world().app.db.coachInvitation.findUniqueOrThrow({ where: { id: invitationId } })).status).toBe(
        "PENDING",
      );
    },
    "relationships.pause": changeCase("pause"),
    "relationships.resume": changeCase("resume"),
    "relationships.end": changeCase("end"),
    "consent.mine": async () => {
      await beta();
      const coaches = async (u: U) => (await (await as(u)).consent.mine()).map((c) => c.coachProfileId);
      expect(await coaches(world().clientA)).not.toContain(world().coachB.profile.id);
      expect(await coaches(world().clientB)).toContain(world().coachB.profile.id);
    },
    "consent.get": async () => {
      await beta();
      const coachProfileId = world().coachB.profile.id;
      await refusesA((api) => api.consent.get({ coachProfileId, clientId: world().clientB.user.id }));
      expect((await (await as(world().clientB)).consent.get({ coachProfileId })).journal).toBe(true);
    },
    "consent.update": async () => {
      await beta();
      const coachProfileId = world().coachB.profile.id;
      await refusesA((api) => api.consent.update({ coachProfileId, journal: false, goals: false }));
      expect((await (await as(world().clientB)).consent.get({ coachProfileId })).journal).toBe(true);
    },
    "consent.history": async () => {
      await beta();
      const clientId = world().clientB.user.id;
      await refusesA((api) => api.consent.history({ clientId }), [world().coachA, world().adminA]);
      expect(await (await as(world().clientA)).consent.history({})).toEqual([]);
      expect((await (await as(world().clientB)).consent.history({})).length).toBeGreaterThan(0);
    },
    "consent.accessLog": async () => {
      await beta();
      const ids = async (u: U) => (await (await as(u)).consent.accessLog({})).map((r) => r.id);
      const betaRows = await world().app.db.dataAccessLog.findMany({ where: { tenantId: world().b.id } });
      expect(betaRows.length).toBeGreaterThan(0);
      for (const u of [world().clientA, world().adminA])
        for (const r of betaRows) expect(await ids(u)).not.toContain(r.id);
      expect(await ids(world().clientB)).toContain(betaRows[0]!.id);
    },
    "journal.today": async () => {
      await beta();
      expect((await (await as(world().clientA)).journal.today()).body).not.toBe("Beta journal");
      expect((await (await as(world().clientB)).journal.today()).body).toBe("Beta journal");
    },
    "journal.mine": async () => {
      await beta();
      const bodies = async (u: U) => (await (await as(u)).journal.mine({})).entries.map((e) => e.body);
      expect(await bodies(world().clientA)).not.toContain("Beta journal");
      expect(await bodies(world().clientB)).toContain("Beta journal");
    },
    "journal.save": async () => {
      await beta();
      const api = await as(world().clientA);
      await api.journal.save({ date: (await api.journal.today()).date, body: "Alpha only" });
      const rows = await world().app.db.journalEntry.findMany({ where: { userId: world().clientA.user.id } });
      expect(rows.every((r) => r.tenantId === world().a.id)).toBe(true);
      expect(
        await world().app.db.journalEntry.count({ where: { tenantId: world().b.id, userId: world().clientA.user.id } }),
      ).toBe(0);
    },
    "journal.forClient": async () => {
      await beta();
      const clientId = world().clientB.user.id;
      await refusesA((api) => api.journal.forClient({ clientId }));
      expect((await (await as(world().coachB)).journal.forClient({ clientId })).entries.map((e) => e.body)).toContain(
        "Beta journal",
      );
    },
    "goals.mine": async () => {
      const { goalId } = await beta();
      const ids = async (u: U) => (await (await as(u)).goals.mine()).map((g) => g.id);
      expect(await ids(world().clientA)).not.toContain(goalId);
      expect(await ids(world().clientB)).toContain(goalId);
    },
    "goals.get": async () => {
      const { goalId } = await beta();
      await refusesA((api) => api.goals.get({ goalId }));
      expect((await (await as(world().coachB)).goals.get({ goalId })).title).toBe("Beta goal");
    },
    "goals.forClient": async () => {
      const { goalId } = await beta();
      await refusesA((api) => api.goals.forClient({ clientId: world().clientB.user.id }));
      expect(
        (await (await as(world().coachB)).goals.forClient({ clientId: world().clientB.user.id })).map((g) => g.id),
      ).toContain(goalId);
    },
    "goals.create": async () => {
      await beta();
      await expect(
        (await as(world().clientA)).goals.create({ title: "Mine", coachProfileId: world().coachB.profile.id }),
      ).rejects.toMatchObject({ code: "BAD_REQUEST" });
      expect(
        await world().app.db.goal.count({ where: { clientId: world().clientA.user.id, tenantId: world().b.id } }),
      ).toBe(0);
    },
    "goals.update": async () => {
      const { goalId } = await beta();
      await refusesA((api) => api.goals.update({ goalId, title: "Hijacked", description: "", targetDate: null }));
      expect((await goalOf()).title).toBe("Beta goal");
    },
    "goals.addMilestone": async () => {
      const { goalId } = await beta();
      await refusesA((api) => api.goals.addMilestone({ goalId, title: "Extra", targetDate: null }));
      expect((await goalOf()).milestones).toHaveLength(1);
    },
    "goals.setMilestoneDone": async () => {
      const { milestoneId } = await beta();
      await refusesA((api) => api.goals.setMilestoneDone({ milestoneId, done: true }));
      expect((await goalOf()).milestones[0]!.doneAt).toBeNull();
    },
    "goals.removeMilestone": async () => {
      const { milestoneId } = await beta();
      await refusesA((api) => api.goals.removeMilestone({ milestoneId }));
      expect((await goalOf()).milestones).toHaveLength(1);
    },
    "goals.claim": async () => {
      const { goalId } = await beta();
      await refusesA((api) => api.goals.claim({ goalId }));
      expect((await goalOf()).status).toBe("ACTIVE");
    },
    "goals.setStatus": async () => {
      const { goalId } = await beta();
      await refusesA((api) => api.goals.setStatus({ goalId, status: "ABANDONED" }));
      expect((await goalOf()).status).toBe("ACTIVE");
    },
    "goals.confirm": async () => {
      const { goalId } = await beta();
      await refusesA((api) => api.goals.confirm({ goalId }));
      expect((await goalOf()).status).toBe("ACTIVE");
    },
  };
}
