-- CreateTable
CREATE TABLE "DataConsentChange" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "clientId" UUID NOT NULL,
    "coachProfileId" UUID NOT NULL,
    "journal" BOOLEAN NOT NULL,
    "goals" BOOLEAN NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DataConsentChange_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DataConsentChange_tenantId_clientId_createdAt_idx" ON "DataConsentChange"("tenantId", "clientId", "createdAt");

-- Consent history is append-only, like the access log.
CREATE TRIGGER data_consent_change_append_only
  BEFORE UPDATE ON "DataConsentChange"
  FOR EACH ROW EXECUTE FUNCTION data_access_log_append_only();
