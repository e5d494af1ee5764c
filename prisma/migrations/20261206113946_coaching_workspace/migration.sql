-- CreateEnum
CREATE TYPE "RelationshipStatus" AS ENUM ('ACTIVE', 'PAUSED', 'ENDED');

-- CreateEnum
CREATE TYPE "RelationshipOrigin" AS ENUM ('BOOKING', 'INVITATION', 'MATCHING');

-- CreateEnum
CREATE TYPE "InvitationStatus" AS ENUM ('PENDING', 'ACCEPTED', 'DECLINED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "DataResource" AS ENUM ('JOURNAL', 'GOALS', 'TASK_LOGS');

-- CreateEnum
CREATE TYPE "GoalStatus" AS ENUM ('ACTIVE', 'CLAIMED', 'REACHED', 'ABANDONED');

-- CreateEnum
CREATE TYPE "TaskStatus" AS ENUM ('ASSIGNED', 'IN_PROGRESS', 'SUBMITTED', 'REVIEWED', 'DONE');

-- CreateEnum
CREATE TYPE "MessageKind" AS ENUM ('TEXT', 'REFLECTION', 'FEEDBACK', 'SYSTEM');

-- AlterTable
-- `active` becomes a status; existing rows keep their start time and standing.
ALTER TABLE "CoachingRelationship" ADD COLUMN     "endedAt" TIMESTAMPTZ(3),
ADD COLUMN     "origin" "RelationshipOrigin" NOT NULL DEFAULT 'BOOKING',
ADD COLUMN     "startedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "status" "RelationshipStatus" NOT NULL DEFAULT 'ACTIVE',
ADD COLUMN     "threadId" UUID,
ADD COLUMN     "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
UPDATE "CoachingRelationship" SET "startedAt" = "createdAt",
  "status" = CASE WHEN "active" THEN 'ACTIVE'::"RelationshipStatus" ELSE 'ENDED'::"RelationshipStatus" END,
  "endedAt" = CASE WHEN "active" THEN NULL ELSE "createdAt" END;
ALTER TABLE "CoachingRelationship" DROP COLUMN "active";

-- AlterTable
ALTER TABLE "ExerciseCompletion" ADD COLUMN     "taskId" UUID;

-- AlterTable
ALTER TABLE "JournalEntry" ADD COLUMN     "keyId" TEXT,
ADD COLUMN     "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
DROP COLUMN "body",
ADD COLUMN     "body" BYTEA;

-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "kind" "MessageKind" NOT NULL DEFAULT 'TEXT';

-- CreateTable
CREATE TABLE "RelationshipEvent" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "relationshipId" UUID NOT NULL,
    "status" "RelationshipStatus" NOT NULL,
    "byUserId" UUID,
    "reason" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RelationshipEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CoachInvitation" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "coachProfileId" UUID NOT NULL,
    "clientId" UUID NOT NULL,
    "message" TEXT NOT NULL DEFAULT '',
    "status" "InvitationStatus" NOT NULL DEFAULT 'PENDING',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "respondedAt" TIMESTAMPTZ(3),

    CONSTRAINT "CoachInvitation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DataConsent" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "clientId" UUID NOT NULL,
    "coachProfileId" UUID NOT NULL,
    "journal" BOOLEAN NOT NULL DEFAULT false,
    "goals" BOOLEAN NOT NULL DEFAULT false,
    "decidedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "DataConsent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DataAccessLog" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "clientId" UUID NOT NULL,
    "viewerId" UUID NOT NULL,
    "resource" "DataResource" NOT NULL,
    "detail" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DataAccessLog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Goal" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "clientId" UUID NOT NULL,
    "coachProfileId" UUID,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "targetDate" DATE,
    "status" "GoalStatus" NOT NULL DEFAULT 'ACTIVE',
    "claimedAt" TIMESTAMPTZ(3),
    "reachedAt" TIMESTAMPTZ(3),
    "confirmedByCoachId" UUID,
    "createdById" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Goal_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Milestone" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "goalId" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "targetDate" DATE,
    "doneAt" TIMESTAMPTZ(3),
    "position" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Milestone_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Exercise" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "authorId" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "instructions" TEXT NOT NULL,
    "category" TEXT NOT NULL DEFAULT '',
    "topics" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "estimatedMinutes" INTEGER,
    "challengeDays" INTEGER,
    "logFields" JSONB NOT NULL DEFAULT '[]',
    "publishedAt" TIMESTAMPTZ(3),
    "copiedFromId" UUID,
    "archivedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Exercise_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ExerciseFile" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "exerciseId" UUID NOT NULL,
    "storageKey" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ExerciseFile_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Task" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "coachProfileId" UUID NOT NULL,
    "clientId" UUID NOT NULL,
    "exerciseId" UUID,
    "title" TEXT NOT NULL,
    "instructions" TEXT NOT NULL DEFAULT '',
    "logFields" JSONB NOT NULL DEFAULT '[]',
    "startOn" DATE,
    "repeatDays" INTEGER,
    "dueOn" DATE NOT NULL,
    "goalId" UUID,
    "followUpOfId" UUID,
    "status" "TaskStatus" NOT NULL DEFAULT 'ASSIGNED',
    "threadId" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Task_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TaskStatusChange" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "taskId" UUID NOT NULL,
    "from" "TaskStatus",
    "to" "TaskStatus" NOT NULL,
    "byUserId" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TaskStatusChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TaskLog" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "taskId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "values" JSONB NOT NULL DEFAULT '{}',
    "note" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "TaskLog_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RelationshipEvent_relationshipId_createdAt_idx" ON "RelationshipEvent"("relationshipId", "createdAt");

-- CreateIndex
CREATE INDEX "CoachInvitation_tenantId_clientId_status_idx" ON "CoachInvitation"("tenantId", "clientId", "status");

-- CreateIndex
CREATE INDEX "CoachInvitation_coachProfileId_status_idx" ON "CoachInvitation"("coachProfileId", "status");

-- CreateIndex
CREATE INDEX "DataConsent_tenantId_clientId_idx" ON "DataConsent"("tenantId", "clientId");

-- CreateIndex
CREATE UNIQUE INDEX "DataConsent_coachProfileId_clientId_key" ON "DataConsent"("coachProfileId", "clientId");

-- CreateIndex
CREATE INDEX "DataAccessLog_tenantId_clientId_createdAt_idx" ON "DataAccessLog"("tenantId", "clientId", "createdAt");

-- CreateIndex
CREATE INDEX "Goal_tenantId_clientId_idx" ON "Goal"("tenantId", "clientId");

-- CreateIndex
CREATE INDEX "Milestone_goalId_position_idx" ON "Milestone"("goalId", "position");

-- CreateIndex
CREATE INDEX "Exercise_tenantId_publishedAt_idx" ON "Exercise"("tenantId", "publishedAt");

-- CreateIndex
CREATE INDEX "Exercise_tenantId_authorId_idx" ON "Exercise"("tenantId", "authorId");

-- CreateIndex
CREATE INDEX "ExerciseFile_exerciseId_idx" ON "ExerciseFile"("exerciseId");

-- CreateIndex
CREATE UNIQUE INDEX "Task_threadId_key" ON "Task"("threadId");

-- CreateIndex
CREATE INDEX "Task_tenantId_clientId_status_idx" ON "Task"("tenantId", "clientId", "status");

-- CreateIndex
CREATE INDEX "Task_coachProfileId_status_idx" ON "Task"("coachProfileId", "status");

-- CreateIndex
CREATE INDEX "TaskStatusChange_taskId_createdAt_idx" ON "TaskStatusChange"("taskId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "TaskLog_taskId_day_key" ON "TaskLog"("taskId", "day");

-- CreateIndex
CREATE UNIQUE INDEX "CoachingRelationship_threadId_key" ON "CoachingRelationship"("threadId");

-- CreateIndex
CREATE INDEX "CoachingRelationship_tenantId_clientId_idx" ON "CoachingRelationship"("tenantId", "clientId");

-- CreateIndex
CREATE INDEX "CoachingRelationship_coachProfileId_status_idx" ON "CoachingRelationship"("coachProfileId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "ExerciseCompletion_taskId_key" ON "ExerciseCompletion"("taskId");

-- AddForeignKey
ALTER TABLE "RelationshipEvent" ADD CONSTRAINT "RelationshipEvent_relationshipId_fkey" FOREIGN KEY ("relationshipId") REFERENCES "CoachingRelationship"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Milestone" ADD CONSTRAINT "Milestone_goalId_fkey" FOREIGN KEY ("goalId") REFERENCES "Goal"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ExerciseFile" ADD CONSTRAINT "ExerciseFile_exerciseId_fkey" FOREIGN KEY ("exerciseId") REFERENCES "Exercise"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TaskStatusChange" ADD CONSTRAINT "TaskStatusChange_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TaskLog" ADD CONSTRAINT "TaskLog_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A coach's ACTIVE and PAUSED relationships never exceed the tenant's capacity, whatever the race:
-- each insert or change of status that takes a place queues on a per-coach advisory lock, then
-- counts (each statement in the function sees rows committed before the lock was granted).
CREATE FUNCTION relationship_capacity_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  capacity integer;
  taken integer;
BEGIN
  IF NEW."status" = 'ENDED' THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD."status" <> 'ENDED' THEN
    RETURN NEW;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtextextended('relationship-capacity:' || NEW."coachProfileId"::text, 0));
  SELECT t."coachClientCapacity" INTO capacity FROM "Tenant" t WHERE t."id" = NEW."tenantId";
  SELECT count(*) INTO taken FROM "CoachingRelationship" r
    WHERE r."coachProfileId" = NEW."coachProfileId" AND r."status" <> 'ENDED' AND r."id" <> NEW."id";
  IF taken >= capacity THEN
    RAISE EXCEPTION 'coach % has no free place (capacity %)', NEW."coachProfileId", capacity
      USING ERRCODE = 'check_violation', CONSTRAINT = 'relationship_capacity';
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER relationship_capacity
  BEFORE INSERT OR UPDATE OF "status" ON "CoachingRelationship"
  FOR EACH ROW EXECUTE FUNCTION relationship_capacity_check();

-- The access log is append-only.
CREATE FUNCTION data_access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the data access log is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER data_access_log_append_only
  BEFORE UPDATE ON "DataAccessLog"
  FOR EACH ROW EXECUTE FUNCTION data_access_log_append_only();

-- At most one open invitation per coach and member.
CREATE UNIQUE INDEX "CoachInvitation_one_pending" ON "CoachInvitation" ("coachProfileId", "clientId") WHERE "status" = 'PENDING';

-- Sane values.
ALTER TABLE "Task" ADD CONSTRAINT "Task_repeatDays_range" CHECK ("repeatDays" IS NULL OR "repeatDays" BETWEEN 1 AND 366);
ALTER TABLE "Exercise" ADD CONSTRAINT "Exercise_challengeDays_range" CHECK ("challengeDays" IS NULL OR "challengeDays" BETWEEN 1 AND 366);
