-- AlterTable
ALTER TABLE "CoachAvailability" ADD COLUMN     "slotStepMinutes" INTEGER NOT NULL DEFAULT 15;
