-- DropIndex
DROP INDEX "CoachProfile_tenantId_status_nextFreeSlotAt_idx";

-- AlterTable
ALTER TABLE "CoachAvailability" ADD COLUMN     "nextFreeSlotAt" TIMESTAMPTZ(3);

-- Hand-written: keep the values already computed (coaches without hours have none to keep).
UPDATE "CoachAvailability" a SET "nextFreeSlotAt" = c."nextFreeSlotAt" FROM "CoachProfile" c WHERE c."id" = a."coachProfileId";

-- AlterTable
ALTER TABLE "CoachProfile" DROP COLUMN "nextFreeSlotAt";
