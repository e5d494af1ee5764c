import type { Prisma } from "@server/db/client.ts";
import type { Services } from "../index.ts";
import type { ServiceDeps } from "../deps.ts";
import { addDays, dayIn } from "../tasks/rules.ts";

/** The demo tenant's exercise library: published by the certified coach, plus one private to the coach. */
export const DEMO_EXERCISES = [
  {
    title: "Morning Greeting",
    category: "Confidence",
    topics: ["social", "courage", "habits"],
    estimatedMinutes: 5,
    challengeDays: 7,
    logFields: [
      { key: "energy", label: "Energy level", type: "scale", min: 1, max: 10 },
      { key: "did_it", label: "Did it", type: "boolean" },
      { key: "note", label: "What happened", type: "text" },
    ],
    instructions: `For one week, greet **three people** before noon: a neighbour, a colleague, the person at the bakery.

1. Make eye contact and smile.
2. Say *good morning* (and their name if you know it).
3. Notice how they answer, and how you feel afterwards.

Each evening, log your energy (1–10), whether you did it, and one line about what happened.`,
  },
  {
    title: "Silent Eye Contact",
    category: "Presence",
    topics: ["connection", "presence"],
    estimatedMinutes: 10,
    challengeDays: null,
    logFields: [],
    instructions: `With a partner or a friend, sit facing each other and hold **eye contact for two minutes** without speaking.

- Set a timer; no phones in sight.
- If you laugh or look away, breathe and come back.

Afterwards, write a reflection: *What did you feel in the first 30 seconds? What changed by the end?*`,
  },
  {
    title: "Three Good Things",
    category: "Wellbeing",
    topics: ["gratitude", "journaling", "habits"],
    estimatedMinutes: 5,
    challengeDays: 5,
    logFields: [
      { key: "mood", label: "Mood", type: "scale", min: 1, max: 5 },
      { key: "things", label: "Three good things", type: "text" },
    ],
    instructions: `Each evening for five days, write down **three things that went well** today and why.

They can be small: a good coffee, a kind word, a finished task.`,
  },
  {
    title: "Box Breathing Before a Hard Conversation",
    category: "Stress",
    topics: ["stress", "breathing"],
    estimatedMinutes: 4,
    challengeDays: null,
    logFields: [],
    instructions: `Before your next difficult conversation, breathe in a box for four rounds:

| in | hold | out | hold |
| -- | ---- | --- | ---- |
| 4 s | 4 s | 4 s | 4 s |

Then write a short reflection on how the conversation went.`,
  },
] as const;

/** Writes the demo library inside the seeding transaction. */
export async function seedDemoExercises(
  tx: Prisma.TransactionClient,
  tenantId: string,
  authors: { certifiedUserId: string; coachUserId: string },
) {
  const at = new Date();
  for (const e of DEMO_EXERCISES)
    await tx.exercise.create({
      data: {
        tenantId,
        authorId: authors.certifiedUserId,
        ...e,
        topics: [...e.topics],
        logFields: e.logFields.map((f) => ({ ...f })),
        publishedAt: at,
      },
    });
  await tx.exercise.create({
    data: {
      tenantId,
      authorId: authors.coachUserId,
      title: "Power Pose Prep",
      category: "Confidence",
      topics: ["confidence"],
      estimatedMinutes: 3,
      instructions: "Two minutes before a meeting, stand tall with your hands on your hips. Note how you walk in.",
    },
  });
}

/**
 * Demo tasks between the demo coach and the demo client, made through the real services (so the
 * threads, their sealed messages, the status history and the completion are what the product
 * writes): a running Morning Greeting challenge with today's log, a Silent Eye Contact task with
 * a reflection, feedback and review, and an open Box Breathing task. The coach–client
 * relationship is made here when the relationships seed has not made it.
 */
export async function seedDemoTasks(
  { db }: Pick<ServiceDeps, "db">,
  services: Pick<Services, "tasks">,
  tenantSlug: string,
) {
  const tenant = await db.tenant.findUniqueOrThrow({ where: { slug: tenantSlug } });
  const coachUser = await db.user.findUniqueOrThrow({ where: { email: "coach@tandem.test" } });
  const client = await db.user.findUniqueOrThrow({ where: { email: "client@tandem.test" } });
  const coach = await db.coachProfile.findUniqueOrThrow({
    where: { tenantId_userId: { tenantId: tenant.id, userId: coachUser.id } },
  });
  await db.coachingRelationship.upsert({
    where: { coachProfileId_clientId: { coachProfileId: coach.id, clientId: client.id } },
    update: {},
    create: { tenantId: tenant.id, coachProfileId: coach.id, clientId: client.id, status: "ACTIVE", origin: "BOOKING" },
  });
  const exercises = await db.exercise.findMany({ where: { tenantId: tenant.id }, select: { id: true, title: true } });
  const byTitle = (t: string) => exercises.find((e) => e.title === t)!.id;
  const asCoach = { userId: coachUser.id, tenantId: tenant.id, role: "COACH" as const };
  const asClient = { userId: client.id, tenantId: tenant.id, role: "CLIENT" as const };
  const today = dayIn(new Date(), client.timeZone);

  const greeting = await services.tasks.assign(asCoach, {
    clientId: client.id,
    exerciseId: byTitle("Morning Greeting"),
    dueOn: addDays(today, 6),
  });
  await services.tasks.log(asClient, {
    taskId: greeting.id,
    day: today,
    values: { energy: 7, did_it: true, note: "The baker smiled back." },
  });

  const eye = await services.tasks.assign(asCoach, {
    clientId: client.id,
    exerciseId: byTitle("Silent Eye Contact"),
    dueOn: addDays(today, 2),
  });
  await services.tasks.reflect(asClient, {
    taskId: eye.id,
    text: "The first 30 seconds were awkward and I wanted to laugh. After a minute it felt calm, almost warm.",
  });
  await services.tasks.feedback(asCoach, {
    taskId: eye.id,
    text: "Lovely observation: the awkwardness passing is the point. Next time, notice where in your body you feel it.",
  });
  await services.tasks.review(asCoach, eye.id);

  await services.tasks.assign(asCoach, {
    clientId: client.id,
    exerciseId: byTitle("Box Breathing Before a Hard Conversation"),
    dueOn: addDays(today, 5),
  });
}
