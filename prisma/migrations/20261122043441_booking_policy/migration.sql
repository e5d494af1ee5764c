-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "bookingHoldMinutes" INTEGER NOT NULL DEFAULT 15,
ADD COLUMN     "cancellationFullRefundHours" INTEGER NOT NULL DEFAULT 24,
ADD COLUMN     "lateCancellationRefundPercent" INTEGER NOT NULL DEFAULT 50;
