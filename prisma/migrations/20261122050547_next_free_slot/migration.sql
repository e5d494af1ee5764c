-- AlterTable
ALTER TABLE "CoachProfile" ADD COLUMN     "nextFreeSlotAt" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "CoachProfile_tenantId_status_nextFreeSlotAt_idx" ON "CoachProfile"("tenantId", "status", "nextFreeSlotAt");
