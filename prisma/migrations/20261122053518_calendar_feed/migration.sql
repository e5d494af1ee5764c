-- AlterTable
ALTER TABLE "CoachProfile" ADD COLUMN     "calendarToken" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "CoachProfile_calendarToken_key" ON "CoachProfile"("calendarToken");
