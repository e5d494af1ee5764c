-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "eligibilityJournalWindowDays" INTEGER;
