-- AlterTable
ALTER TABLE "Booking" ADD COLUMN     "cancellationReason" TEXT,
ADD COLUMN     "cancelledAt" TIMESTAMPTZ(3),
ADD COLUMN     "cancelledById" UUID,
ADD COLUMN     "clientNotes" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "coachPayoutMinor" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "confirmedAt" TIMESTAMPTZ(3),
ADD COLUMN     "currency" CHAR(3) NOT NULL DEFAULT 'EUR',
ADD COLUMN     "holdExpiresAt" TIMESTAMPTZ(3),
ADD COLUMN     "platformFeeMinor" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "priceMinor" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "room" TEXT,
ADD COLUMN     "sessionType" "SessionType" NOT NULL DEFAULT 'VIDEO',
ADD COLUMN     "topic" TEXT NOT NULL DEFAULT '';

-- CreateTable
CREATE TABLE "CoachAvailability" (
    "coachProfileId" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "timeZone" TEXT NOT NULL,
    "weekly" JSONB NOT NULL DEFAULT '[]',
    "overrides" JSONB NOT NULL DEFAULT '[]',
    "bufferBeforeMinutes" INTEGER NOT NULL DEFAULT 0,
    "bufferAfterMinutes" INTEGER NOT NULL DEFAULT 0,
    "minNoticeMinutes" INTEGER NOT NULL DEFAULT 720,
    "horizonDays" INTEGER NOT NULL DEFAULT 60,
    "dailyCap" INTEGER,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "CoachAvailability_pkey" PRIMARY KEY ("coachProfileId")
);

-- CreateTable
CREATE TABLE "TimeOff" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "coachProfileId" UUID NOT NULL,
    "startsAt" TIMESTAMPTZ(3) NOT NULL,
    "endsAt" TIMESTAMPTZ(3) NOT NULL,
    "reason" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TimeOff_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "TimeOff_coachProfileId_startsAt_idx" ON "TimeOff"("coachProfileId", "startsAt");

-- CreateIndex
CREATE UNIQUE INDEX "Booking_room_key" ON "Booking"("room");

-- CreateIndex
CREATE INDEX "Booking_status_holdExpiresAt_idx" ON "Booking"("status", "holdExpiresAt");

-- Hand-written (Prisma cannot express these) ---------------------------------

-- No double booking, ever: a coach's PENDING and CONFIRMED bookings never overlap. btree_gist lets
-- the uuid equality share a GiST index with the range overlap. '[)': back-to-back is allowed.
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE "Booking" ADD CONSTRAINT booking_no_overlap
  EXCLUDE USING gist ("coachProfileId" WITH =, tstzrange("startsAt", "endsAt", '[)') WITH &&)
  WHERE ("status" IN ('PENDING', 'CONFIRMED'));
ALTER TABLE "Booking" ADD CONSTRAINT booking_ends_after_start CHECK ("endsAt" > "startsAt");
ALTER TABLE "Booking" ADD CONSTRAINT booking_money_adds_up CHECK ("priceMinor" >= 0 AND "platformFeeMinor" >= 0 AND "platformFeeMinor" + "coachPayoutMinor" = "priceMinor");
ALTER TABLE "TimeOff" ADD CONSTRAINT time_off_ends_after_start CHECK ("endsAt" > "startsAt");
