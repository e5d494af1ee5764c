-- AlterTable
ALTER TABLE "ThreadMember" ADD COLUMN     "role" TEXT NOT NULL DEFAULT 'member';

-- Existing SESSION threads: their members are the booking's coach and client.
UPDATE "ThreadMember" m
   SET "role" = CASE WHEN m."userId" = b."clientId" THEN 'client' ELSE 'coach' END
  FROM "Thread" t
  JOIN "Booking" b ON b."id" = t."bookingId"
  JOIN "CoachProfile" c ON c."id" = b."coachProfileId"
 WHERE t."id" = m."threadId"
   AND t."kind" = 'SESSION'
   AND m."userId" IN (b."clientId", c."userId");
