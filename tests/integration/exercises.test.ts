import { loadKeyring } from "@server/crypto/keyring.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoTasks } from "@server/services/seed/exercises.ts";
import { seedDemo } from "@server/services/seed/service.ts";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { createCoach, createTenant, createUser } from "../helpers/factories.ts";

let app: TestApp;
type U = Awaited<ReturnType<typeof createUser>>;
type C = Awaited<ReturnType<typeof createCoach>>;
let tenant: Awaited<ReturnType<typeof createTenant>>;
let coach: C, certified: C, other: C;
let client: U;

const api = async (u: U) => (await app.as(u.token)).api;
const pdf = () =>
  new File([new Uint8Array(Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"))], "guide.pdf", {
    type: "application/pdf",
  });

/** The field names a refused call complained about (zod input errors or service field errors). */
async function fieldsOf(call: Promise<unknown>): Promise<{ code: string; fields: string[] }> {
  try {
    await call;
  } catch (error) {
    const e = error as {
      code: string;
      cause?: { issues?: { path: PropertyKey[] }[]; fieldErrors?: Record<string, string[]> };
    };
    const fields = e.cause?.issues
      ? e.cause.issues.map((i) => i.path.map(String).join("."))
      : Object.keys(e.cause?.fieldErrors ?? {});
    return { code: e.code, fields };
  }
  throw new Error("expected the call to be refused");
}

const greeting = {
  title: "Morning Greeting",
  instructions: "Greet **three** people before noon.\n\n- smile\n- say good morning",
  category: "Confidence",
  topics: ["Social", "courage"],
  estimatedMinutes: 5,
  challengeDays: 7,
  logFields: [
    { key: "energy", label: "Energy", type: "scale" as const, min: 1, max: 10 },
    { key: "did_it", label: "Did it", type: "boolean" as const },
    { key: "note", label: "Note", type: "text" as const },
  ],
};

beforeAll(async () => {
  app = await createTestApp();
  tenant = await createTenant(app);
  coach = await createCoach(app, tenant, { name: "Cora Coach" });
  certified = await createCoach(app, tenant, { name: "Cert Coach", role: "CERTIFIED_COACH" });
  other = await createCoach(app, tenant, { name: "Otto Other" });
  client = await createUser(app, tenant);
});
afterAll(() => app?.close());

describe("exercise library", () => {
  it("keeps a coach's exercise private to them", async () => {
    const created = await (await api(coach)).exercises.create(greeting);
    expect(created).toMatchObject({ title: "Morning Greeting", mine: true, published: false, challengeDays: 7 });
    expect(created.topics).toEqual(["social", "courage"]);
    expect(created.logFields).toHaveLength(3);
    expect((await (await api(other)).exercises.library({})).map((e) => e.id)).not.toContain(created.id);
    await expect((await api(other)).exercises.get({ exerciseId: created.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect((await (await api(coach)).exercises.library({ scope: "mine" })).map((e) => e.id)).toContain(created.id);
  });

  it("lets only certified coaches publish, and every coach browse, search, copy the shared library", async () => {
    const mine = await (await api(coach)).exercises.create({ ...greeting, title: "Uncertified idea" });
    await expect(
      (await api(coach)).exercises.setPublished({ exerciseId: mine.id, published: true }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });

    const eye = await (
      await api(certified)
    ).exercises.create({
      title: "Silent Eye Contact",
      instructions: "Hold eye contact for two minutes without speaking. Then write a reflection.",
      category: "Presence",
      topics: ["connection"],
      estimatedMinutes: 10,
    });
    await (await api(certified)).exercises.setPublished({ exerciseId: eye.id, published: true });
    const o = await api(other);
    expect((await o.exercises.library({ scope: "shared" })).map((e) => e.id)).toContain(eye.id);
    expect((await o.exercises.library({ q: "eye" })).map((e) => e.id)).toEqual([eye.id]);
    expect((await o.exercises.library({ q: "presence" })).map((e) => e.id)).toEqual([eye.id]);
    expect((await o.exercises.library({ q: "CONNECTION" })).map((e) => e.id)).toEqual([eye.id]);
    await expect(o.exercises.update({ exerciseId: eye.id, ...greeting })).rejects.toMatchObject({ code: "FORBIDDEN" });

    const copy = await o.exercises.copy({ exerciseId: eye.id });
    expect(copy).toMatchObject({ copiedFromId: eye.id, mine: true, published: false, title: "Silent Eye Contact" });
    const changed = await o.exercises.update({
      exerciseId: copy.id,
      title: "Silent Eye Contact (5 minutes)",
      instructions: copy.instructions,
    });
    expect(changed.title).toBe("Silent Eye Contact (5 minutes)");
    expect((await app.db.exercise.findUniqueOrThrow({ where: { id: eye.id } })).title).toBe("Silent Eye Contact");

    // Unpublished again: gone from the other coaches' view, the copy stays theirs.
    await (await api(certified)).exercises.setPublished({ exerciseId: eye.id, published: false });
    expect((await o.exercises.library({})).map((e) => e.id)).not.toContain(eye.id);
    expect((await o.exercises.library({})).map((e) => e.id)).toContain(copy.id);
  });

  it("refuses bad input with field errors and writes nothing", async () => {
    const c = await api(coach);
    const before = await app.db.exercise.count();
    expect(await fieldsOf(c.exercises.create({ ...greeting, instructions: "Hi <script>alert(1)</script>" }))).toEqual({
      code: "BAD_REQUEST",
      fields: ["instructions"],
    });
    expect(await fieldsOf(c.exercises.create({ ...greeting, instructions: '<img src=x onerror="alert(1)">' }))).toEqual(
      { code: "BAD_REQUEST", fields: ["instructions"] },
    );
    expect(await fieldsOf(c.exercises.create({ ...greeting, instructions: "[click](javascript:alert(1))" }))).toEqual({
      code: "BAD_REQUEST",
      fields: ["instructions"],
    });
    expect(await fieldsOf(c.exercises.create({ ...greeting, challengeDays: null }))).toEqual({
      code: "BAD_REQUEST",
      fields: ["challengeDays"],
    });
    expect(
      await fieldsOf(
        c.exercises.create({
          ...greeting,
          logFields: [{ key: "energy", label: "Energy", type: "scale", min: 5, max: 3 }],
        }),
      ),
    ).toEqual({ code: "BAD_REQUEST", fields: ["logFields.0.max"] });
    expect(
      await fieldsOf(
        c.exercises.create({
          ...greeting,
          logFields: [
            { key: "a", label: "A", type: "boolean" },
            { key: "a", label: "B", type: "boolean" },
          ],
        }),
      ),
    ).toEqual({ code: "BAD_REQUEST", fields: ["logFields.1.key"] });
    expect(await fieldsOf(c.exercises.create({ ...greeting, title: "x" }))).toEqual({
      code: "BAD_REQUEST",
      fields: ["title"],
    });
    // The service refuses the same when called without the router.
    await expect(
      app.tandem.services.exercises.create(
        { userId: coach.user.id, tenantId: tenant.id, role: "COACH" },
        { ...greeting, instructions: "<iframe src=//evil>" },
      ),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", fieldErrors: { instructions: [expect.any(String)] } });
    expect(await app.db.exercise.count()).toBe(before);
  });

  it("accepts harmless HTML as text (it is shown inert, never rendered)", async () => {
    const created = await (
      await api(coach)
    ).exercises.create({ ...greeting, title: "Tags as text", instructions: "Use <b>bold</b> or **bold**." });
    expect(created.instructions).toBe("Use <b>bold</b> or **bold**.");
  });

  it("is for coaches only", async () => {
    await expect((await api(client)).exercises.library({})).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect((await api(client)).exercises.create(greeting)).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("stores files checked by their bytes, for the author and (published) other coaches", async () => {
    const c = await api(coach);
    const ex = await c.exercises.create({ ...greeting, title: "With a guide" });
    const file = await c.exercises.uploadFile({ exerciseId: ex.id, file: pdf() });
    expect(file).toMatchObject({ name: "guide.pdf", type: "application/pdf" });
    const fake = new File([new Uint8Array(Buffer.from("MZ\x90\x00 not a pdf"))], "guide.pdf", {
      type: "application/pdf",
    });
    await expect(c.exercises.uploadFile({ exerciseId: ex.id, file: fake })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      cause: { fieldErrors: { file: [expect.any(String)] } },
    });
    expect((await c.exercises.get({ exerciseId: ex.id })).files).toHaveLength(1);
    const actor = (u: U, role: "COACH" | "CLIENT") => ({ userId: u.user.id, tenantId: tenant.id, role });
    expect((await app.tandem.services.exercises.file(actor(coach, "COACH"), file.id)).name).toBe("guide.pdf");
    await expect(app.tandem.services.exercises.file(actor(other, "COACH"), file.id)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(app.tandem.services.exercises.file(actor(client, "CLIENT"), file.id)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await (await api(other)).exercises.deleteFile({ fileId: file.id }).catch((e: { code: string }) => {
      expect(["NOT_FOUND", "FORBIDDEN"]).toContain(e.code);
    });
    await c.exercises.deleteFile({ fileId: file.id });
    expect((await c.exercises.get({ exerciseId: ex.id })).files).toHaveLength(0);
  });

  it("archives an exercise out of the library", async () => {
    const c = await api(coach);
    const ex = await c.exercises.create({ ...greeting, title: "Old one" });
    await c.exercises.archive({ exerciseId: ex.id });
    expect((await c.exercises.library({})).map((e) => e.id)).not.toContain(ex.id);
  });
});

describe("demo seed", () => {
  it("seeds a shared library and tasks with a reflection, feedback and a review through the services", async () => {
    expect(await seedDemo({ db: app.db, keyring: loadKeyring(app.tandem.env) }, "demo-lib")).toBe(true);
    await seedDemoTasks({ db: app.db }, app.tandem.services, "demo-lib");
    const demo = await app.db.tenant.findUniqueOrThrow({ where: { slug: "demo-lib" } });
    const shared = await app.db.exercise.findMany({ where: { tenantId: demo.id, publishedAt: { not: null } } });
    expect(shared.map((e) => e.title)).toEqual(
      expect.arrayContaining(["Morning Greeting", "Silent Eye Contact", "Three Good Things"]),
    );
    const greeting = shared.find((e) => e.title === "Morning Greeting")!;
    expect(greeting.challengeDays).toBe(7);
    expect(greeting.logFields).toEqual([
      { key: "energy", label: "Energy level", type: "scale", min: 1, max: 10 },
      { key: "did_it", label: "Did it", type: "boolean" },
      { key: "note", label: "What happened", type: "text" },
    ]);
    const tasks = await app.db.task.findMany({ where: { tenantId: demo.id } });
    expect(tasks.map((t) => t.status).sort()).toEqual(["ASSIGNED", "IN_PROGRESS", "REVIEWED"]);
    const reviewed = tasks.find((t) => t.status === "REVIEWED")!;
    const kinds = await app.db.message.findMany({ where: { threadId: reviewed.threadId }, orderBy: { seq: "asc" } });
    expect(kinds.map((m) => m.kind)).toEqual(["REFLECTION", "FEEDBACK"]);
    expect(await app.db.exerciseCompletion.count({ where: { taskId: reviewed.id } })).toBe(1);
  });
});
