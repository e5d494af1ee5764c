-- CreateEnum
CREATE TYPE "CoachStatus" AS ENUM ('PENDING', 'APPROVED', 'REJECTED', 'SUSPENDED');

-- CreateEnum
CREATE TYPE "SessionType" AS ENUM ('VIDEO', 'PHONE', 'CHAT', 'IN_PERSON');

-- CreateEnum
CREATE TYPE "Delivery" AS ENUM ('ONLINE', 'IN_PERSON');

-- CreateEnum
CREATE TYPE "ServiceStatus" AS ENUM ('ACTIVE', 'ARCHIVED');

-- CreateEnum
CREATE TYPE "CredentialStatus" AS ENUM ('UNVERIFIED', 'VERIFIED', 'REJECTED');

-- CreateEnum
CREATE TYPE "BookingStatus" AS ENUM ('PENDING', 'CONFIRMED', 'COMPLETED', 'NO_SHOW', 'CANCELLED');

-- AlterTable
ALTER TABLE "Membership" ADD COLUMN     "premium" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "eligibilityMinExercises" INTEGER NOT NULL DEFAULT 10,
ADD COLUMN     "eligibilityMinJournalDays" INTEGER NOT NULL DEFAULT 30;

-- CreateTable
CREATE TABLE "CoachProfile" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "status" "CoachStatus" NOT NULL DEFAULT 'PENDING',
    "motivation" TEXT NOT NULL,
    "credentialsSummary" TEXT NOT NULL DEFAULT '',
    "appliedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decidedAt" TIMESTAMPTZ(3),
    "decidedById" UUID,
    "statusReason" TEXT,
    "displayName" TEXT NOT NULL,
    "bio" TEXT NOT NULL DEFAULT '',
    "photoKey" TEXT,
    "specialties" TEXT[],
    "topics" TEXT[],
    "languages" TEXT[],
    "location" TEXT,
    "timeZone" TEXT NOT NULL DEFAULT 'UTC',
    "yearsExperience" INTEGER,
    "education" TEXT NOT NULL DEFAULT '',
    "approach" TEXT NOT NULL DEFAULT '',
    "sessionTypes" "SessionType"[],
    "platformFeeBpsOverride" INTEGER,
    "certifiedAt" TIMESTAMPTZ(3),
    "certifiedById" UUID,
    "featuredRank" INTEGER,
    "minPriceMinor" INTEGER,
    "ratingAvg" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "ratingCount" INTEGER NOT NULL DEFAULT 0,
    "searchVector" tsvector,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "CoachProfile_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CoachStatusChange" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "coachProfileId" UUID NOT NULL,
    "from" "CoachStatus",
    "to" "CoachStatus" NOT NULL,
    "reason" TEXT,
    "actorId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CoachStatusChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Credential" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "coachProfileId" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "issuer" TEXT NOT NULL,
    "number" TEXT NOT NULL DEFAULT '',
    "expiresOn" DATE,
    "documentKey" TEXT,
    "documentName" TEXT,
    "documentType" TEXT,
    "documentSize" INTEGER,
    "status" "CredentialStatus" NOT NULL DEFAULT 'UNVERIFIED',
    "verifiedById" UUID,
    "verifiedAt" TIMESTAMPTZ(3),
    "reminderSentAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Credential_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Service" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "coachProfileId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "priceMinor" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "durationMinutes" INTEGER NOT NULL,
    "delivery" "Delivery" NOT NULL,
    "sessionType" "SessionType" NOT NULL,
    "premiumOnly" BOOLEAN NOT NULL DEFAULT false,
    "status" "ServiceStatus" NOT NULL DEFAULT 'ACTIVE',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Service_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Favourite" (
    "tenantId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "coachProfileId" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Favourite_pkey" PRIMARY KEY ("userId","coachProfileId")
);

-- CreateTable
CREATE TABLE "Booking" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "coachProfileId" UUID NOT NULL,
    "clientId" UUID NOT NULL,
    "serviceId" UUID,
    "status" "BookingStatus" NOT NULL DEFAULT 'PENDING',
    "startsAt" TIMESTAMPTZ(3) NOT NULL,
    "endsAt" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Booking_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Review" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "bookingId" UUID NOT NULL,
    "coachProfileId" UUID NOT NULL,
    "authorId" UUID NOT NULL,
    "rating" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "anonymous" BOOLEAN NOT NULL DEFAULT false,
    "response" TEXT,
    "respondedAt" TIMESTAMPTZ(3),
    "hiddenAt" TIMESTAMPTZ(3),
    "hiddenReason" TEXT,
    "hiddenById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Review_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CoachingRelationship" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "coachProfileId" UUID NOT NULL,
    "clientId" UUID NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "goalReachedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CoachingRelationship_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JournalEntry" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "entryDate" DATE NOT NULL,
    "body" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "JournalEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ExerciseCompletion" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "completedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ExerciseCompletion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Notification" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL DEFAULT '',
    "link" TEXT,
    "readAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Notification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OutboxMessage" (
    "id" UUID NOT NULL,
    "tenantId" UUID,
    "to" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMPTZ(3),
    "error" TEXT,

    CONSTRAINT "OutboxMessage_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CoachProfile_tenantId_status_ratingAvg_idx" ON "CoachProfile"("tenantId", "status", "ratingAvg");

-- CreateIndex
CREATE INDEX "CoachProfile_tenantId_status_minPriceMinor_idx" ON "CoachProfile"("tenantId", "status", "minPriceMinor");

-- CreateIndex
CREATE INDEX "CoachProfile_tenantId_status_appliedAt_idx" ON "CoachProfile"("tenantId", "status", "appliedAt");

-- CreateIndex
CREATE INDEX "CoachProfile_specialties_idx" ON "CoachProfile" USING GIN ("specialties");

-- CreateIndex
CREATE INDEX "CoachProfile_topics_idx" ON "CoachProfile" USING GIN ("topics");

-- CreateIndex
CREATE INDEX "CoachProfile_languages_idx" ON "CoachProfile" USING GIN ("languages");

-- CreateIndex
CREATE INDEX "CoachProfile_sessionTypes_idx" ON "CoachProfile" USING GIN ("sessionTypes");

-- CreateIndex
CREATE INDEX "CoachProfile_searchVector_idx" ON "CoachProfile" USING GIN ("searchVector");

-- CreateIndex
CREATE UNIQUE INDEX "CoachProfile_tenantId_userId_key" ON "CoachProfile"("tenantId", "userId");

-- CreateIndex
CREATE INDEX "CoachStatusChange_coachProfileId_createdAt_idx" ON "CoachStatusChange"("coachProfileId", "createdAt");

-- CreateIndex
CREATE INDEX "Credential_tenantId_expiresOn_idx" ON "Credential"("tenantId", "expiresOn");

-- CreateIndex
CREATE INDEX "Credential_coachProfileId_idx" ON "Credential"("coachProfileId");

-- CreateIndex
CREATE INDEX "Service_coachProfileId_status_idx" ON "Service"("coachProfileId", "status");

-- CreateIndex
CREATE INDEX "Favourite_tenantId_userId_createdAt_idx" ON "Favourite"("tenantId", "userId", "createdAt");

-- CreateIndex
CREATE INDEX "Booking_tenantId_clientId_idx" ON "Booking"("tenantId", "clientId");

-- CreateIndex
CREATE INDEX "Booking_coachProfileId_startsAt_idx" ON "Booking"("coachProfileId", "startsAt");

-- CreateIndex
CREATE UNIQUE INDEX "Review_bookingId_key" ON "Review"("bookingId");

-- CreateIndex
CREATE INDEX "Review_coachProfileId_createdAt_idx" ON "Review"("coachProfileId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "CoachingRelationship_coachProfileId_clientId_key" ON "CoachingRelationship"("coachProfileId", "clientId");

-- CreateIndex
CREATE UNIQUE INDEX "JournalEntry_tenantId_userId_entryDate_key" ON "JournalEntry"("tenantId", "userId", "entryDate");

-- CreateIndex
CREATE INDEX "ExerciseCompletion_tenantId_userId_idx" ON "ExerciseCompletion"("tenantId", "userId");

-- CreateIndex
CREATE INDEX "Notification_userId_tenantId_createdAt_idx" ON "Notification"("userId", "tenantId", "createdAt");

-- CreateIndex
CREATE INDEX "OutboxMessage_sentAt_createdAt_idx" ON "OutboxMessage"("sentAt", "createdAt");

-- AddForeignKey
ALTER TABLE "CoachProfile" ADD CONSTRAINT "CoachProfile_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CoachProfile" ADD CONSTRAINT "CoachProfile_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CoachStatusChange" ADD CONSTRAINT "CoachStatusChange_coachProfileId_fkey" FOREIGN KEY ("coachProfileId") REFERENCES "CoachProfile"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Credential" ADD CONSTRAINT "Credential_coachProfileId_fkey" FOREIGN KEY ("coachProfileId") REFERENCES "CoachProfile"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Service" ADD CONSTRAINT "Service_coachProfileId_fkey" FOREIGN KEY ("coachProfileId") REFERENCES "CoachProfile"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Favourite" ADD CONSTRAINT "Favourite_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Favourite" ADD CONSTRAINT "Favourite_coachProfileId_fkey" FOREIGN KEY ("coachProfileId") REFERENCES "CoachProfile"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_coachProfileId_fkey" FOREIGN KEY ("coachProfileId") REFERENCES "CoachProfile"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "Service"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Review" ADD CONSTRAINT "Review_bookingId_fkey" FOREIGN KEY ("bookingId") REFERENCES "Booking"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Review" ADD CONSTRAINT "Review_coachProfileId_fkey" FOREIGN KEY ("coachProfileId") REFERENCES "CoachProfile"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Review" ADD CONSTRAINT "Review_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CoachingRelationship" ADD CONSTRAINT "CoachingRelationship_coachProfileId_fkey" FOREIGN KEY ("coachProfileId") REFERENCES "CoachProfile"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written (Prisma cannot express these) ---------------------------------

-- Full-text document over display name (weight A), specialties (B) and bio (C).
CREATE FUNCTION coach_profile_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."searchVector" :=
    setweight(to_tsvector('simple', coalesce(NEW."displayName", '')), 'A') ||
    setweight(to_tsvector('english', array_to_string(coalesce(NEW."specialties", '{}'), ' ')), 'B') ||
    setweight(to_tsvector('english', coalesce(NEW."bio", '')), 'C');
  RETURN NEW;
END
$$;

CREATE TRIGGER coach_profile_search_vector
  BEFORE INSERT OR UPDATE OF "displayName", "specialties", "bio" ON "CoachProfile"
  FOR EACH ROW EXECUTE FUNCTION coach_profile_search_vector();

ALTER TABLE "Review" ADD CONSTRAINT review_rating_range CHECK ("rating" BETWEEN 1 AND 5);
ALTER TABLE "Service" ADD CONSTRAINT service_price_non_negative CHECK ("priceMinor" >= 0);
ALTER TABLE "Service" ADD CONSTRAINT service_duration_positive CHECK ("durationMinutes" > 0);
ALTER TABLE "Tenant" ADD CONSTRAINT tenant_fee_range CHECK ("platformFeeBps" BETWEEN 0 AND 10000);
ALTER TABLE "CoachProfile" ADD CONSTRAINT coach_fee_override_range CHECK ("platformFeeBpsOverride" IS NULL OR "platformFeeBpsOverride" BETWEEN 0 AND 10000);
