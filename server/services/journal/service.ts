import { AppError } from "@server/errors.ts";
import type { Actor } from "@server/policies/coaching.ts";
import type { ConsentService } from "../consent/service.ts";
import type { ServiceDeps } from "../deps.ts";
import { addDays, dateColumn, dayIn, dayOf } from "./day.ts";

export const JOURNAL_MAX_CHARS = 20_000;

/**
 * The member's daily journal: one entry per day of their own time zone, editable only on that
 * day, Markdown sealed with the keyring (context `journal:<userId>:<entryDate>`), private by
 * default. A coach reads it only through `forClient`, which passes the consent gate and leaves
 * one access-log row per read.
 */
export function createJournalService(deps: ServiceDeps, { consent }: { consent: Pick<ConsentService, "readGuard"> }) {
  const { db, keyring, now, log } = deps;
  const context = (userId: string, day: string) => `journal:${userId}:${day}`;

  async function zoneOf(userId: string) {
    const user = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { timeZone: true } });
    return user.timeZone || "UTC";
  }

  function open(userId: string, row: { entryDate: Date; body: Uint8Array | null }) {
    if (!row.body) return "";
    try {
      return keyring.open(row.body, context(userId, dayOf(row.entryDate))).toString("utf8");
    } catch (error) {
      log.error("journal: an entry could not be decrypted", {
        userId,
        day: dayOf(row.entryDate),
        error: String(error),
      });
      return "";
    }
  }

  async function entries(tenantId: string, userId: string, input: { from?: string; to?: string; limit?: number }) {
    const rows = await db.journalEntry.findMany({
      where: {
        tenantId,
        userId,
        body: { not: null },
        entryDate: {
          ...(input.from ? { gte: dateColumn(input.from) } : {}),
          ...(input.to ? { lte: dateColumn(input.to) } : {}),
        },
      },
      orderBy: { entryDate: "desc" },
      take: Math.min(Math.max(input.limit ?? 60, 1), 366),
      select: { id: true, entryDate: true, body: true, updatedAt: true },
    });
    return rows.map((r) => ({ id: r.id, date: dayOf(r.entryDate), body: open(userId, r), updatedAt: r.updatedAt }));
  }

  async function countDays(tenantId: string, userId: string) {
    return db.journalEntry.count({ where: { tenantId, userId, body: { not: null } } });
  }

  return {
    /** Today's day in the member's zone and today's entry (empty when none yet). */
    async today(actor: Actor) {
      const zone = await zoneOf(actor.userId);
      const date = dayIn(now(), zone);
      const row = await db.journalEntry.findUnique({
        where: {
          tenantId_userId_entryDate: { tenantId: actor.tenantId, userId: actor.userId, entryDate: dateColumn(date) },
        },
        select: { entryDate: true, body: true, updatedAt: true },
      });
      return {
        date,
        timeZone: zone,
        body: row ? open(actor.userId, row) : "",
        updatedAt: row?.body ? row.updatedAt : null,
        days: await countDays(actor.tenantId, actor.userId),
      };
    },

    /**
     * Writes the entry of `date`, which must be today in the member's own zone (a page left open
     * past midnight is refused with a clear message, not saved into another day). An empty body
     * removes today's entry, so only days with words count.
     */
    async save(actor: Actor, input: { date: string; body: string }) {
      const zone = await zoneOf(actor.userId);
      const today = dayIn(now(), zone);
      if (input.date !== today) {
        const msg =
          input.date < today
            ? `Journal entries can be edited only on their own day; it is now ${today} in your time zone (${zone}).`
            : `That day has not started yet in your time zone (${zone}); today is ${today}.`;
        throw new AppError("BAD_REQUEST", msg, { date: [msg] });
      }
      const body = input.body.trim();
      const key = { tenantId: actor.tenantId, userId: actor.userId, entryDate: dateColumn(today) };
      if (!body) {
        await db.journalEntry.deleteMany({ where: key });
        return { date: today, body: "", saved: false };
      }
      const sealed = new Uint8Array(keyring.seal(body, context(actor.userId, today)));
      await db.journalEntry.upsert({
        where: { tenantId_userId_entryDate: key },
        create: { ...key, body: sealed, keyId: keyring.currentKeyId },
        update: { body: sealed, keyId: keyring.currentKeyId },
      });
      return { date: today, body, saved: true };
    },

    /** The member's own entries, newest first. */
    async mine(actor: Actor, input: { from?: string; to?: string; limit?: number } = {}) {
      const zone = await zoneOf(actor.userId);
      const today = dayIn(now(), zone);
      const list = await entries(actor.tenantId, actor.userId, input);
      return { today, timeZone: zone, entries: list.map((e) => ({ ...e, editable: e.date === today })) };
    },

    /**
     * A client's entries for their coach: only with the client's journal consent, and each call
     * appends one access-log row naming the days read.
     */
    async forClient(actor: Actor, input: { clientId: string; from?: string; to?: string; limit?: number }) {
      const zone = await zoneOf(input.clientId).catch(() => "UTC");
      const to = input.to ?? dayIn(now(), zone);
      const from = input.from ?? addDays(to, -29);
      await consent.readGuard({
        tenantId: actor.tenantId,
        viewerUserId: actor.userId,
        clientId: input.clientId,
        resource: "JOURNAL",
        detail: `journal entries of ${from} – ${to}`,
      });
      return { from, to, entries: await entries(actor.tenantId, input.clientId, { from, to, limit: input.limit }) };
    },

    /** Distinct days with a written entry (the eligibility rule). */
    countDays,
  };
}

export type JournalService = ReturnType<typeof createJournalService>;
