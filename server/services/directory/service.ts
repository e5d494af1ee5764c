import { Prisma } from "@server/db/client.ts";
import { notFound } from "@server/errors.ts";
import type { ServiceDeps } from "../deps.ts";

export type DirectorySort = "relevance" | "rating" | "price";

export interface DirectoryQuery {
  q?: string;
  specialty?: string;
  topic?: string;
  sessionType?: "VIDEO" | "PHONE" | "CHAT" | "IN_PERSON";
  minPriceMinor?: number;
  maxPriceMinor?: number;
  language?: string;
  minRating?: number;
  /** Only coaches with a free slot starting within this many days. */
  freeWithinDays?: number;
  /** In-person location (matched case-insensitively); implies the in-person session type. */
  location?: string;
  sort?: DirectorySort;
  page?: number;
  pageSize?: number;
}

export interface DirectoryCard {
  id: string;
  displayName: string;
  bio: string;
  photoKey: string | null;
  specialties: string[];
  topics: string[];
  languages: string[];
  location: string | null;
  sessionTypes: string[];
  minPriceMinor: number | null;
  ratingAvg: number;
  ratingCount: number;
  certified: boolean;
  verified: boolean;
}

const cardColumns = Prisma.sql`c."id", c."displayName", left(c."bio", 280) AS "bio", c."photoKey", c."specialties", c."topics", c."languages", c."location",
  c."sessionTypes"::text[] AS "sessionTypes", c."minPriceMinor", c."ratingAvg", c."ratingCount", (c."certifiedAt" IS NOT NULL) AS "certified",
  EXISTS (SELECT 1 FROM "Credential" cr WHERE cr."coachProfileId" = c."id" AND cr."status" = 'VERIFIED' AND (cr."expiresOn" IS NULL OR cr."expiresOn" >= current_date)) AS "verified"`;

/**
 * The client-facing coach directory: approved coaches only, PostgreSQL full-text search,
 * filters and sorting in one indexed query (see docs/performance.md).
 */
export function createDirectoryService({ db, now }: ServiceDeps) {
  return {
    async search(tenantId: string, query: DirectoryQuery) {
      const pageSize = query.pageSize ?? 12;
      const page = query.page ?? 1;
      const q = query.q?.trim();
      const tsq = q ? Prisma.sql`websearch_to_tsquery('english', ${q})` : null;
      const where: Prisma.Sql[] = [Prisma.sql`c."tenantId" = ${tenantId}::uuid`, Prisma.sql`c."status" = 'APPROVED'`];
      if (tsq) where.push(Prisma.sql`c."searchVector" @@ ${tsq}`);
      if (query.specialty) where.push(Prisma.sql`c."specialties" @> ARRAY[${query.specialty.toLowerCase()}]::text[]`);
      if (query.topic) where.push(Prisma.sql`c."topics" @> ARRAY[${query.topic}]::text[]`);
      if (query.language) where.push(Prisma.sql`c."languages" @> ARRAY[${query.language}]::text[]`);
      if (query.sessionType) where.push(Prisma.sql`c."sessionTypes" @> ARRAY[${query.sessionType}]::"SessionType"[]`);
      if (query.location) {
        where.push(Prisma.sql`c."sessionTypes" @> ARRAY['IN_PERSON']::"SessionType"[]`);
        where.push(Prisma.sql`c."location" ILIKE ${"%" + query.location.replace(/[%_\\]/g, "\\$&") + "%"}`);
      }
      if (query.minPriceMinor !== undefined) where.push(Prisma.sql`c."minPriceMinor" >= ${query.minPriceMinor}`);
      if (query.maxPriceMinor !== undefined) where.push(Prisma.sql`c."minPriceMinor" <= ${query.maxPriceMinor}`);
      if (query.minRating !== undefined) where.push(Prisma.sql`c."ratingAvg" >= ${query.minRating}`);
      if (query.freeWithinDays !== undefined) {
        const at = now();
        where.push(
          Prisma.sql`EXISTS (SELECT 1 FROM "CoachAvailability" ca WHERE ca."coachProfileId" = c."id" AND ca."nextFreeSlotAt" >= ${at} AND ca."nextFreeSlotAt" < ${new Date(at.getTime() + query.freeWithinDays * 86_400_000)})`,
        );
      }

      const sort = query.sort ?? (tsq ? "relevance" : "rating");
      const relevance = sort === "relevance" && tsq !== null;
      // The sort keys, selected by the inner query and ordered on in both queries.
      const keys =
        sort === "price"
          ? Prisma.sql`c."minPriceMinor", c."ratingAvg"`
          : relevance
            ? Prisma.sql`ts_rank_cd(c."searchVector", ${tsq}) AS "rank", c."ratingAvg"`
            : Prisma.sql`c."ratingAvg", c."ratingCount"`;
      const orderBy = (col: (name: string) => Prisma.Sql) =>
        sort === "price"
          ? Prisma.sql`${col("minPriceMinor")} ASC NULLS LAST, ${col("ratingAvg")} DESC, ${col("id")}`
          : relevance
            ? Prisma.sql`${col("rank")} DESC, ${col("ratingAvg")} DESC, ${col("id")}`
            : Prisma.sql`${col("ratingAvg")} DESC, ${col("ratingCount")} DESC, ${col("id")}`;

      // Two steps (docs/performance.md): the inner query filters, counts and picks the page on
      // narrow rows (id and sort keys, often straight from an index); only the page's rows are
      // then read in full for the cards (bio, arrays, the "verified" EXISTS).
      const rows = await db.$queryRaw<(DirectoryCard & { total: bigint })[]>`
        SELECT ${cardColumns}, p."total"
        FROM (
          SELECT c."id", ${keys}, count(*) OVER () AS "total"
          FROM "CoachProfile" c
          WHERE ${Prisma.join(where, " AND ")}
          ORDER BY ${orderBy((name) => Prisma.raw(name === "rank" ? `"rank"` : `c."${name}"`))}
          LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}
        ) p
        JOIN "CoachProfile" c ON c."id" = p."id"
        ORDER BY ${orderBy((name) => Prisma.raw(`p."${name}"`))}`;
      const total = rows[0] ? Number(rows[0].total) : 0;
      return {
        results: rows.map(({ total: _t, ...card }) => card),
        total,
        page,
        pageSize,
        pages: Math.max(1, Math.ceil(total / pageSize)),
        sort,
      };
    },

    /** Coaches the tenant admins chose to feature, in their order. */
    async featured(tenantId: string) {
      return db.$queryRaw<DirectoryCard[]>`
        SELECT ${cardColumns} FROM "CoachProfile" c
        WHERE c."tenantId" = ${tenantId}::uuid AND c."status" = 'APPROVED' AND c."featuredRank" IS NOT NULL
        ORDER BY c."featuredRank" ASC, c."displayName" ASC LIMIT 6`;
    },

    /** Values present in the tenant's directory, for the filter controls. */
    async facets(tenantId: string) {
      const rows = await db.$queryRaw<{ kind: string; value: string }[]>`
        SELECT 'specialty' AS kind, unnest("specialties") AS value FROM "CoachProfile" WHERE "tenantId" = ${tenantId}::uuid AND "status" = 'APPROVED'
        UNION SELECT 'language', unnest("languages") FROM "CoachProfile" WHERE "tenantId" = ${tenantId}::uuid AND "status" = 'APPROVED'
        ORDER BY 1, 2`;
      return {
        specialties: rows.filter((r) => r.kind === "specialty").map((r) => r.value),
        languages: rows.filter((r) => r.kind === "language").map((r) => r.value),
      };
    },

    /** A public profile: approved coaches only; anyone else is "not found", whoever asks. */
    async profile(tenantId: string, coachProfileId: string) {
      const coach = await db.coachProfile.findFirst({
        where: { id: coachProfileId, tenantId, status: "APPROVED" },
        select: {
          id: true,
          userId: true,
          displayName: true,
          bio: true,
          photoKey: true,
          specialties: true,
          topics: true,
          languages: true,
          location: true,
          timeZone: true,
          yearsExperience: true,
          education: true,
          approach: true,
          sessionTypes: true,
          ratingAvg: true,
          ratingCount: true,
          certifiedAt: true,
          services: {
            where: { status: "ACTIVE" },
            orderBy: { priceMinor: "asc" },
            select: {
              id: true,
              name: true,
              description: true,
              priceMinor: true,
              currency: true,
              durationMinutes: true,
              delivery: true,
              sessionType: true,
              premiumOnly: true,
            },
          },
          credentials: {
            where: { status: "VERIFIED" },
            select: { id: true, type: true, issuer: true, expiresOn: true },
          },
        },
      });
      if (!coach) throw notFound("That coach");
      const today = new Date(new Date().toISOString().slice(0, 10));
      const verifiedCredentials = coach.credentials.filter((c) => !c.expiresOn || c.expiresOn >= today);
      return {
        ...coach,
        credentials: verifiedCredentials,
        verified: verifiedCredentials.length > 0,
        certified: coach.certifiedAt !== null,
      };
    },
  };
}

export type DirectoryService = ReturnType<typeof createDirectoryService>;
