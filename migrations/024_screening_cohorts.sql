-- Screening cohorts (issue 13 §2): a municipality screens many households
-- at once against its förbund's target group (Landskrona's förstudie: 780
-- households, 280 eligible; Karlstad's IFA kartläggning of 477), one by
-- one or from a CSV file, and counts per criterion.
--
-- A cohort is the municipality's own: only its organisation reads it. Its
-- cases' screenings name it (case_screenings.cohort_id); the counts are
-- computed from them.
CREATE TABLE screening_cohorts (
    id            uuid PRIMARY KEY,
    org_id        uuid NOT NULL REFERENCES organizations (id),
    federation_id uuid NOT NULL REFERENCES federations (id),
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at    timestamptz NOT NULL,
    created_by    text NOT NULL,
    UNIQUE (org_id, name)
);
GRANT SELECT, INSERT ON screening_cohorts TO hub_app;
ALTER TABLE screening_cohorts ENABLE ROW LEVEL SECURITY;
CREATE POLICY owner_only ON screening_cohorts FOR SELECT USING (org_id = (SELECT hub_current_org()));
CREATE POLICY owner_insert ON screening_cohorts FOR INSERT WITH CHECK (org_id = (SELECT hub_current_org()));

ALTER TABLE case_screenings ADD COLUMN cohort_id uuid REFERENCES screening_cohorts (id);
CREATE INDEX case_screenings_cohort ON case_screenings (cohort_id) WHERE cohort_id IS NOT NULL;

---- create above / drop below ----
ALTER TABLE case_screenings DROP COLUMN cohort_id;
DROP TABLE screening_cohorts;
