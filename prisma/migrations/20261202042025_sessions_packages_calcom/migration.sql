-- CreateEnum
CREATE TYPE "PayoutSchedule" AS ENUM ('DAILY', 'MONTHLY');

-- CreateEnum
CREATE TYPE "PackagePurchaseStatus" AS ENUM ('PENDING', 'PAID', 'CANCELLED');

-- CreateEnum
CREATE TYPE "ThreadKind" AS ENUM ('SESSION', 'TASK', 'GROUP', 'DIRECT');

-- CreateEnum
CREATE TYPE "BookingFileKind" AS ENUM ('PREPARATION', 'RESOURCE');

-- CreateEnum
CREATE TYPE "NoteVisibility" AS ENUM ('PRIVATE', 'SHARED');

-- AlterTable
ALTER TABLE "Booking" ADD COLUMN     "calcomUid" TEXT,
ADD COLUMN     "e2eeKeySealed" TEXT,
ADD COLUMN     "outcomeAt" TIMESTAMPTZ(3),
ADD COLUMN     "outcomeSummary" TEXT,
ADD COLUMN     "packagePurchaseId" UUID;

-- AlterTable
ALTER TABLE "CoachProfile" ADD COLUMN     "calcomApiKeySealed" TEXT,
ADD COLUMN     "calcomConnectedAt" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "LedgerEntry" ADD COLUMN     "packagePurchaseId" UUID,
ALTER COLUMN "bookingId" DROP NOT NULL;

-- AlterTable
ALTER TABLE "Service" ADD COLUMN     "calcomEventTypeId" INTEGER;

-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "payoutMonthlyAnchor" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "payoutSchedule" "PayoutSchedule" NOT NULL DEFAULT 'DAILY';

-- CreateTable
CREATE TABLE "Package" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "coachProfileId" UUID NOT NULL,
    "serviceId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "sessionCount" INTEGER NOT NULL,
    "priceMinor" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "status" "ServiceStatus" NOT NULL DEFAULT 'ACTIVE',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Package_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PackagePurchase" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "packageId" UUID NOT NULL,
    "clientId" UUID NOT NULL,
    "coachProfileId" UUID NOT NULL,
    "serviceId" UUID NOT NULL,
    "status" "PackagePurchaseStatus" NOT NULL DEFAULT 'PENDING',
    "sessionsTotal" INTEGER NOT NULL,
    "creditsRemaining" INTEGER NOT NULL,
    "priceMinor" INTEGER NOT NULL,
    "platformFeeMinor" INTEGER NOT NULL,
    "coachPayoutMinor" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "paidAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "PackagePurchase_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Thread" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "kind" "ThreadKind" NOT NULL,
    "bookingId" UUID,
    "title" TEXT NOT NULL DEFAULT '',
    "lastSeq" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Thread_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ThreadMember" (
    "threadId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "lastReadSeq" INTEGER NOT NULL DEFAULT 0,
    "joinedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ThreadMember_pkey" PRIMARY KEY ("threadId","userId")
);

-- CreateTable
CREATE TABLE "Message" (
    "id" UUID NOT NULL,
    "threadId" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "senderId" UUID NOT NULL,
    "clientMessageId" TEXT NOT NULL,
    "body" BYTEA NOT NULL,
    "keyId" TEXT NOT NULL,
    "attachmentKey" TEXT,
    "attachmentName" TEXT,
    "attachmentType" TEXT,
    "attachmentSize" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Message_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Attendance" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "bookingId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "transport" TEXT NOT NULL,
    "joinedAt" TIMESTAMPTZ(3) NOT NULL,
    "leftAt" TIMESTAMPTZ(3),

    CONSTRAINT "Attendance_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BookingFile" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "bookingId" UUID NOT NULL,
    "uploadedById" UUID NOT NULL,
    "kind" "BookingFileKind" NOT NULL,
    "fileKey" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BookingFile_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SessionNote" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "bookingId" UUID NOT NULL,
    "authorId" UUID NOT NULL,
    "visibility" "NoteVisibility" NOT NULL,
    "body" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SessionNote_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ActionItem" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "bookingId" UUID NOT NULL,
    "text" TEXT NOT NULL,
    "doneAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ActionItem_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Package_coachProfileId_status_idx" ON "Package"("coachProfileId", "status");

-- CreateIndex
CREATE INDEX "PackagePurchase_tenantId_clientId_status_idx" ON "PackagePurchase"("tenantId", "clientId", "status");

-- CreateIndex
CREATE INDEX "PackagePurchase_coachProfileId_status_idx" ON "PackagePurchase"("coachProfileId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Thread_bookingId_key" ON "Thread"("bookingId");

-- CreateIndex
CREATE INDEX "Thread_tenantId_kind_idx" ON "Thread"("tenantId", "kind");

-- CreateIndex
CREATE INDEX "ThreadMember_userId_idx" ON "ThreadMember"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "Message_threadId_seq_key" ON "Message"("threadId", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "Message_threadId_senderId_clientMessageId_key" ON "Message"("threadId", "senderId", "clientMessageId");

-- CreateIndex
CREATE INDEX "Attendance_bookingId_userId_joinedAt_idx" ON "Attendance"("bookingId", "userId", "joinedAt");

-- CreateIndex
CREATE INDEX "BookingFile_bookingId_createdAt_idx" ON "BookingFile"("bookingId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "SessionNote_bookingId_visibility_key" ON "SessionNote"("bookingId", "visibility");

-- CreateIndex
CREATE INDEX "ActionItem_bookingId_createdAt_idx" ON "ActionItem"("bookingId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Booking_calcomUid_key" ON "Booking"("calcomUid");

-- CreateIndex
CREATE INDEX "Booking_status_endsAt_idx" ON "Booking"("status", "endsAt");

-- CreateIndex
CREATE INDEX "Booking_packagePurchaseId_idx" ON "Booking"("packagePurchaseId");

-- CreateIndex
CREATE UNIQUE INDEX "LedgerEntry_packagePurchaseId_kind_key" ON "LedgerEntry"("packagePurchaseId", "kind");

-- AddForeignKey
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_packagePurchaseId_fkey" FOREIGN KEY ("packagePurchaseId") REFERENCES "PackagePurchase"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Package" ADD CONSTRAINT "Package_coachProfileId_fkey" FOREIGN KEY ("coachProfileId") REFERENCES "CoachProfile"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Package" ADD CONSTRAINT "Package_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "Service"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PackagePurchase" ADD CONSTRAINT "PackagePurchase_packageId_fkey" FOREIGN KEY ("packageId") REFERENCES "Package"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ThreadMember" ADD CONSTRAINT "ThreadMember_threadId_fkey" FOREIGN KEY ("threadId") REFERENCES "Thread"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Message" ADD CONSTRAINT "Message_threadId_fkey" FOREIGN KEY ("threadId") REFERENCES "Thread"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Attendance" ADD CONSTRAINT "Attendance_bookingId_fkey" FOREIGN KEY ("bookingId") REFERENCES "Booking"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BookingFile" ADD CONSTRAINT "BookingFile_bookingId_fkey" FOREIGN KEY ("bookingId") REFERENCES "Booking"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SessionNote" ADD CONSTRAINT "SessionNote_bookingId_fkey" FOREIGN KEY ("bookingId") REFERENCES "Booking"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ActionItem" ADD CONSTRAINT "ActionItem_bookingId_fkey" FOREIGN KEY ("bookingId") REFERENCES "Booking"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written: invariants Prisma cannot express.
-- A ledger row belongs to a booking or to a package purchase, never both or neither.
ALTER TABLE "LedgerEntry" ADD CONSTRAINT "LedgerEntry_one_owner" CHECK (("bookingId" IS NULL) <> ("packagePurchaseId" IS NULL));
-- Credits never go below zero, nor above what was bought.
ALTER TABLE "PackagePurchase" ADD CONSTRAINT "PackagePurchase_credits_in_range" CHECK ("creditsRemaining" >= 0 AND "creditsRemaining" <= "sessionsTotal" AND "sessionsTotal" > 0);
ALTER TABLE "Package" ADD CONSTRAINT "Package_positive" CHECK ("sessionCount" >= 2 AND "priceMinor" >= 0);
ALTER TABLE "Tenant" ADD CONSTRAINT "Tenant_payout_anchor_range" CHECK ("payoutMonthlyAnchor" BETWEEN 1 AND 31);
ALTER TABLE "Message" ADD CONSTRAINT "Message_seq_positive" CHECK ("seq" > 0);
