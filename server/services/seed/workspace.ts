import type { Keyring } from "@server/crypto/keyring.ts";
import type { Prisma } from "@server/db/client.ts";
import { addDays, dateColumn, dayIn } from "../journal/day.ts";

type Tx = Prisma.TransactionClient;

/** Extra demo members who are the demo coach's clients (same demo password). */
export const DEMO_WORKSPACE_CLIENTS = [
  { email: "dana@tandem.test", name: "Dana Daily" },
  { email: "eli@tandem.test", name: "Eli Evening" },
  { email: "fay@tandem.test", name: "Fay Focus" },
];

const JOURNAL = [
  "Slept **seven hours** for the first time in weeks. Morning walk before work.",
  "Busy day. Noticed I reach for the phone when I am tired; left it in the hall tonight.",
  "Talked with Casey about evenings. Plan:\n\n- screens off at 22:00\n- tea, book\n- lights out by 23:00",
];

/**
 * The coaching workspace of the demo organisation: the demo coach has the demo client and three
 * more as active clients (each with a DIRECT thread and a consent row; the demo client shares
 * journal and goals), the demo client has 30 written journal days in January (enough for the
 * eligibility rule) and the last three days, and goals with milestones, one reached and
 * confirmed by the coach (which counts toward the coach's certification).
 */
export async function seedWorkspace(
  tx: Tx,
  keyring: Keyring,
  input: {
    tenantId: string;
    coachUserId: string;
    coachProfileId: string;
    clientUserId: string;
    passwordHash: string;
    now: Date;
  },
) {
  const { tenantId, coachUserId, coachProfileId, clientUserId, now } = input;
  const seal = (userId: string, day: string, text: string) =>
    new Uint8Array(keyring.seal(text, `journal:${userId}:${day}`));

  // Journal: 30 days in January 2026 (the eligibility rule) and the last three days.
  const client = await tx.user.findUniqueOrThrow({ where: { id: clientUserId }, select: { timeZone: true } });
  const today = dayIn(now, client.timeZone || "UTC");
  const days = [
    ...Array.from({ length: 30 }, (_, i) =>
      dateColumn(`2026-01-${String(i + 1).padStart(2, "0")}`)
        .toISOString()
        .slice(0, 10),
    ),
    addDays(today, -3),
    addDays(today, -2),
    addDays(today, -1),
  ];
  await tx.journalEntry.createMany({
    data: [...new Set(days)].map((day, i) => ({
      tenantId,
      userId: clientUserId,
      entryDate: dateColumn(day),
      body: seal(
        clientUserId,
        day,
        i >= 30 ? JOURNAL[i - 30]! : `Day ${i + 1} of my journal: one small thing that went well.`,
      ),
      keyId: keyring.currentKeyId,
    })),
    skipDuplicates: true,
  });

  // Clients: the demo client and three more members.
  const clients = [clientUserId];
  for (const extra of DEMO_WORKSPACE_CLIENTS) {
    const user = await tx.user.upsert({
      where: { email: extra.email },
      update: {},
      create: { email: extra.email, name: extra.name, passwordHash: input.passwordHash },
    });
    await tx.membership.upsert({
      where: { tenantId_userId: { tenantId, userId: user.id } },
      update: {},
      create: { tenantId, userId: user.id, role: "CLIENT" },
    });
    clients.push(user.id);
  }
  for (const [i, clientId] of clients.entries()) {
    const thread = await tx.thread.create({
      data: {
        tenantId,
        kind: "DIRECT",
        members: {
          create: [
            { userId: coachUserId, role: "coach" },
            { userId: clientId, role: "client" },
          ],
        },
      },
    });
    const startedAt = new Date(now.getTime() - (30 - i * 5) * 24 * 3_600_000);
    const rel = await tx.coachingRelationship.create({
      data: {
        tenantId,
        coachProfileId,
        clientId,
        origin: i === 0 ? "BOOKING" : "INVITATION",
        threadId: thread.id,
        startedAt,
      },
    });
    await tx.relationshipEvent.create({
      data: { tenantId, relationshipId: rel.id, status: "ACTIVE", reason: "started", createdAt: startedAt },
    });
    const shares = i === 0;
    await tx.dataConsent.create({
      data: {
        tenantId,
        clientId,
        coachProfileId,
        journal: shares,
        goals: shares || i === 1,
        decidedAt: i < 2 ? startedAt : null,
      },
    });
    if (i < 2)
      await tx.dataConsentChange.create({
        data: { tenantId, clientId, coachProfileId, journal: shares, goals: true, createdAt: startedAt },
      });
  }

  // Goals of the demo client: one in progress with milestones, one reached and confirmed.
  const inDays = (n: number) => dateColumn(addDays(today, n));
  await tx.goal.create({
    data: {
      tenantId,
      clientId: clientUserId,
      coachProfileId,
      title: "Sleep seven hours on weeknights",
      description: "Better evenings, calmer mornings.",
      targetDate: inDays(42),
      createdById: clientUserId,
      milestones: {
        create: [
          { tenantId, title: "Screens off at 22:00 for a week", position: 0, doneAt: now, targetDate: inDays(-7) },
          { tenantId, title: "Same bedtime five nights running", position: 1, doneAt: now, targetDate: inDays(7) },
          { tenantId, title: "Seven hours on four weeknights", position: 2, targetDate: inDays(28) },
        ],
      },
    },
  });
  const reachedAt = new Date(now.getTime() - 5 * 24 * 3_600_000);
  await tx.goal.create({
    data: {
      tenantId,
      clientId: clientUserId,
      coachProfileId,
      title: "Walk every morning for two weeks",
      status: "REACHED",
      claimedAt: reachedAt,
      reachedAt,
      confirmedByCoachId: coachProfileId,
      createdById: clientUserId,
      milestones: { create: [{ tenantId, title: "First week", position: 0, doneAt: reachedAt }] },
    },
  });
  await tx.coachingRelationship.updateMany({
    where: { coachProfileId, clientId: clientUserId },
    data: { goalReachedAt: reachedAt },
  });
}
