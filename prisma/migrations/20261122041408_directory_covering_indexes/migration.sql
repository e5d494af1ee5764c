-- DropIndex
DROP INDEX "CoachProfile_tenantId_status_minPriceMinor_idx";

-- DropIndex
DROP INDEX "CoachProfile_tenantId_status_ratingAvg_idx";

-- CreateIndex
CREATE INDEX "CoachProfile_tenantId_status_ratingAvg_ratingCount_id_idx" ON "CoachProfile"("tenantId", "status", "ratingAvg" DESC, "ratingCount" DESC, "id");

-- CreateIndex
CREATE INDEX "CoachProfile_tenantId_status_minPriceMinor_ratingAvg_id_idx" ON "CoachProfile"("tenantId", "status", "minPriceMinor", "ratingAvg" DESC, "id");
