-- CreateEnum
CREATE TYPE "LedgerKind" AS ENUM ('CHARGE', 'PLATFORM_FEE', 'COACH_TRANSFER', 'REFUND');

-- AlterTable
ALTER TABLE "CoachProfile" ADD COLUMN     "payoutsEnabled" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "stripeAccountId" TEXT;

-- CreateTable
CREATE TABLE "WebhookEvent" (
    "id" UUID NOT NULL,
    "provider" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "tenantId" UUID,
    "bookingId" UUID,
    "payload" JSONB NOT NULL,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" TIMESTAMPTZ(3),
    "outcome" TEXT,
    "refundId" TEXT,
    "error" TEXT,

    CONSTRAINT "WebhookEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LedgerEntry" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "bookingId" UUID NOT NULL,
    "kind" "LedgerKind" NOT NULL,
    "amountMinor" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "provider" TEXT NOT NULL,
    "reference" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LedgerEntry_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "WebhookEvent_outcome_receivedAt_idx" ON "WebhookEvent"("outcome", "receivedAt");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookEvent_provider_eventId_key" ON "WebhookEvent"("provider", "eventId");

-- CreateIndex
CREATE INDEX "LedgerEntry_tenantId_createdAt_idx" ON "LedgerEntry"("tenantId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "LedgerEntry_bookingId_kind_key" ON "LedgerEntry"("bookingId", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "CoachProfile_stripeAccountId_key" ON "CoachProfile"("stripeAccountId");

-- Hand-written: ledger amounts are non-negative; the entry's kind gives the direction.
ALTER TABLE "LedgerEntry" ADD CONSTRAINT "LedgerEntry_amount_nonnegative" CHECK ("amountMinor" >= 0);
