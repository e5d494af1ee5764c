-- CreateIndex
CREATE INDEX "CoachProfile_tenantId_featuredRank_idx" ON "CoachProfile"("tenantId", "featuredRank");

-- Hand-written: index display names with both the 'simple' and the 'english' configuration, so
-- that a name finds its coach whether or not the query's stemming changes it ("James" → 'jame').
CREATE OR REPLACE FUNCTION coach_profile_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."searchVector" :=
    setweight(to_tsvector('simple', coalesce(NEW."displayName", '')), 'A') ||
    setweight(to_tsvector('english', coalesce(NEW."displayName", '')), 'A') ||
    setweight(to_tsvector('english', array_to_string(coalesce(NEW."specialties", '{}'), ' ')), 'B') ||
    setweight(to_tsvector('english', coalesce(NEW."bio", '')), 'C');
  RETURN NEW;
END
$$;

-- Recompute existing documents (the trigger fires on this update).
UPDATE "CoachProfile" SET "displayName" = "displayName";
