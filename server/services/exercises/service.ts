import { randomUUID } from "node:crypto";
import type { Prisma } from "@server/db/client.ts";
import { AppError, forbidden, notFound } from "@server/errors.ts";
import { inspectUpload } from "@server/integrations/storage/uploads.ts";
import { type Actor, isCertified, isCoachRole } from "@server/policies/coaching.ts";
import type { ServiceDeps } from "../deps.ts";
import { cleanFileName, SESSION_FILE_MAX_BYTES, SESSION_FILE_TYPES } from "../session-notes/service.ts";
import { EXERCISE_FILES_MAX, type ExerciseInput, exerciseInputSchema, readLogFields } from "./fields.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type LibraryScope = "mine" | "shared" | "all";

const exerciseSelect = {
  id: true,
  tenantId: true,
  authorId: true,
  title: true,
  instructions: true,
  category: true,
  topics: true,
  estimatedMinutes: true,
  challengeDays: true,
  logFields: true,
  publishedAt: true,
  copiedFromId: true,
  createdAt: true,
  updatedAt: true,
  files: { select: { id: true, name: true, type: true, size: true }, orderBy: { createdAt: "asc" } },
} as const satisfies Prisma.ExerciseSelect;

type Row = Prisma.ExerciseGetPayload<{ select: typeof exerciseSelect }>;

/** Input errors from the shared schema, as field errors (so services called directly refuse bad input too). */
function parseExercise(input: ExerciseInput) {
  const parsed = exerciseInputSchema.safeParse(input);
  if (!parsed.success) {
    const fieldErrors: Record<string, string[]> = {};
    for (const issue of parsed.error.issues) (fieldErrors[issue.path.join(".") || "_form"] ??= []).push(issue.message);
    throw new AppError(
      "BAD_REQUEST",
      "Some fields need attention: " + Object.keys(fieldErrors).join(", ") + ".",
      fieldErrors,
    );
  }
  return parsed.data;
}

/**
 * The exercise library. A coach's exercises are private to them; a certified coach may publish
 * theirs to the tenant's shared library, which every coach of the tenant can browse, search,
 * copy (a private copy they can change) and assign. Clients see an exercise only through a
 * task assigned to them (server/services/tasks).
 */
export function createExerciseService({ db, storage, now }: ServiceDeps) {
  /** The actor's approved coach profile in their tenant, or FORBIDDEN. */
  async function coachOf(actor: Actor) {
    const profile = isCoachRole(actor.role)
      ? await db.coachProfile.findUnique({
          where: { tenantId_userId: { tenantId: actor.tenantId, userId: actor.userId } },
          select: { id: true, status: true, displayName: true },
        })
      : null;
    if (!profile || profile.status !== "APPROVED") throw forbidden("Only approved coaches use the exercise library.");
    return profile;
  }

  const view = (actor: Actor, row: Row) => ({
    ...row,
    logFields: readLogFields(row.logFields),
    mine: row.authorId === actor.userId,
    published: row.publishedAt !== null,
  });

  /** An exercise the coach may see: their own, or one published in their tenant; archived ones are gone. */
  async function visible(actor: Actor, exerciseId: string) {
    await coachOf(actor);
    if (!UUID.test(exerciseId)) throw notFound("That exercise");
    const row = await db.exercise.findFirst({
      where: {
        id: exerciseId,
        tenantId: actor.tenantId,
        archivedAt: null,
        OR: [{ authorId: actor.userId }, { publishedAt: { not: null } }],
      },
      select: exerciseSelect,
    });
    if (!row) throw notFound("That exercise");
    return row;
  }

  async function own(actor: Actor, exerciseId: string) {
    const row = await visible(actor, exerciseId);
    if (row.authorId !== actor.userId)
      throw forbidden("Only its author changes an exercise; copy it to make your own.");
    return row;
  }

  const service = {
    coachOf,
    visible,

    /** The coach's own exercises and the tenant's shared ones, searched by title, category or topic. */
    async library(actor: Actor, input: { q?: string; scope?: LibraryScope }) {
      await coachOf(actor);
      const scope = input.scope ?? "all";
      const q = input.q?.trim() ?? "";
      const where: Prisma.ExerciseWhereInput = {
        tenantId: actor.tenantId,
        archivedAt: null,
        ...(scope === "mine"
          ? { authorId: actor.userId }
          : scope === "shared"
            ? { publishedAt: { not: null } }
            : { OR: [{ authorId: actor.userId }, { publishedAt: { not: null } }] }),
        ...(q
          ? {
              AND: [
                {
                  OR: [
                    { title: { contains: q, mode: "insensitive" } },
                    { category: { contains: q, mode: "insensitive" } },
                    { topics: { has: q.toLowerCase() } },
                  ],
                },
              ],
            }
          : {}),
      };
      const rows = await db.exercise.findMany({
        where,
        select: exerciseSelect,
        orderBy: [{ title: "asc" }],
        take: 200,
      });
      const authors = await db.coachProfile.findMany({
        where: { tenantId: actor.tenantId, userId: { in: [...new Set(rows.map((r) => r.authorId))] } },
        select: { userId: true, displayName: true },
      });
      const names = new Map(authors.map((a) => [a.userId, a.displayName]));
      return rows.map((r) => ({ ...view(actor, r), authorName: names.get(r.authorId) ?? "A coach" }));
    },

    async get(actor: Actor, exerciseId: string) {
      const row = await visible(actor, exerciseId);
      const author = await db.coachProfile.findFirst({
        where: { tenantId: actor.tenantId, userId: row.authorId },
        select: { displayName: true },
      });
      return { ...view(actor, row), authorName: author?.displayName ?? "A coach", canPublish: isCertified(actor) };
    },

    async create(actor: Actor, input: ExerciseInput) {
      await coachOf(actor);
      const data = parseExercise(input);
      const row = await db.exercise.create({
        data: { tenantId: actor.tenantId, authorId: actor.userId, ...data, logFields: data.logFields },
        select: exerciseSelect,
      });
      return view(actor, row);
    },

    async update(actor: Actor, exerciseId: string, input: ExerciseInput) {
      await own(actor, exerciseId);
      const data = parseExercise(input);
      const row = await db.exercise.update({
        where: { id: exerciseId },
        data: { ...data, logFields: data.logFields },
        select: exerciseSelect,
      });
      return view(actor, row);
    },

    /** Removes it from the library; tasks already assigned keep their own copy of the text. */
    async archive(actor: Actor, exerciseId: string) {
      await own(actor, exerciseId);
      await db.exercise.update({ where: { id: exerciseId }, data: { archivedAt: now(), publishedAt: null } });
      return { archived: true };
    },

    /** Publishing to the tenant's shared library is for certified coaches, and only their own exercises. */
    async setPublished(actor: Actor, exerciseId: string, published: boolean) {
      await own(actor, exerciseId);
      if (published && !isCertified(actor))
        throw forbidden("Only certified coaches publish exercises to the shared library.");
      const row = await db.exercise.update({
        where: { id: exerciseId },
        data: { publishedAt: published ? now() : null },
        select: exerciseSelect,
      });
      return view(actor, row);
    },

    /** A private copy of a visible exercise (files included, as new objects), for the coach to adapt. */
    async copy(actor: Actor, exerciseId: string) {
      const source = await visible(actor, exerciseId);
      const files = await db.exerciseFile.findMany({ where: { exerciseId: source.id } });
      const copies: { storageKey: string; name: string; type: string; size: number }[] = [];
      for (const f of files) {
        const object = await storage.get(f.storageKey);
        if (!object) continue;
        const key = `exercises/${actor.tenantId}/${randomUUID()}-${f.storageKey.split("/").pop()}`;
        await storage.put(key, new Uint8Array(await object.bytes()), f.type);
        copies.push({ storageKey: key, name: f.name, type: f.type, size: f.size });
      }
      const row = await db.exercise.create({
        data: {
          tenantId: actor.tenantId,
          authorId: actor.userId,
          title: source.title,
          instructions: source.instructions,
          category: source.category,
          topics: source.topics,
          estimatedMinutes: source.estimatedMinutes,
          challengeDays: source.challengeDays,
          logFields: source.logFields ?? [],
          copiedFromId: source.id,
          files: { create: copies.map((c) => ({ ...c, tenantId: actor.tenantId })) },
        },
        select: exerciseSelect,
      });
      return view(actor, row);
    },

    /** A file for the exercise (same types and size cap as session files; the type comes from the bytes). */
    async uploadFile(actor: Actor, input: { exerciseId: string; name: string; bytes: Uint8Array }) {
      const exercise = await own(actor, input.exerciseId);
      if (exercise.files.length >= EXERCISE_FILES_MAX)
        throw new AppError("CONFLICT", `An exercise has at most ${EXERCISE_FILES_MAX} files. Remove one first.`, {
          file: [`At most ${EXERCISE_FILES_MAX} files per exercise.`],
        });
      const check = await inspectUpload(input.bytes, { allowed: SESSION_FILE_TYPES, maxBytes: SESSION_FILE_MAX_BYTES });
      if (!check.ok) throw new AppError("BAD_REQUEST", check.message, { file: [check.message] });
      const key = `exercises/${actor.tenantId}/${randomUUID()}.${check.ext}`;
      await storage.put(key, input.bytes, check.contentType);
      try {
        return await db.exerciseFile.create({
          data: {
            tenantId: actor.tenantId,
            exerciseId: exercise.id,
            storageKey: key,
            name: cleanFileName(input.name, check.ext),
            type: check.contentType,
            size: check.size,
          },
          select: { id: true, name: true, type: true, size: true },
        });
      } catch (error) {
        await storage.delete(key).catch(() => undefined);
        throw error;
      }
    },

    async deleteFile(actor: Actor, fileId: string) {
      if (!UUID.test(fileId)) throw notFound("That file");
      const file = await db.exerciseFile.findFirst({ where: { id: fileId, tenantId: actor.tenantId } });
      if (!file) throw notFound("That file");
      await own(actor, file.exerciseId);
      await db.exerciseFile.delete({ where: { id: file.id } });
      await storage.delete(file.storageKey).catch(() => undefined);
      return { deleted: true };
    },

    /**
     * A file of an exercise, for its author, for any coach of the tenant when published, and for
     * a client with a task made from the exercise.
     */
    async file(actor: Actor, fileId: string) {
      if (!UUID.test(fileId)) throw notFound("That file");
      const file = await db.exerciseFile.findFirst({
        where: { id: fileId, tenantId: actor.tenantId },
        include: { exercise: { select: { authorId: true, publishedAt: true } } },
      });
      if (!file) throw notFound("That file");
      let allowed = file.exercise.authorId === actor.userId;
      if (!allowed && file.exercise.publishedAt && isCoachRole(actor.role)) allowed = true;
      if (!allowed)
        allowed =
          (await db.task.count({
            where: { tenantId: actor.tenantId, exerciseId: file.exerciseId, clientId: actor.userId },
          })) > 0;
      if (!allowed) throw notFound("That file");
      const object = await storage.get(file.storageKey);
      if (!object) throw notFound("That file");
      return { object, name: file.name, type: file.type };
    },
  };
  return service;
}

export type ExerciseService = ReturnType<typeof createExerciseService>;
