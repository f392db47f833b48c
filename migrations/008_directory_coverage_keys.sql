-- waysIn looks entries up by (topic, municipality). Two separate GIN
-- indexes (topics, municipality_codes) leave Postgres intersecting large
-- sets at national scale (tens of thousands of entries per topic). One key
-- per topic × municipality served ("SAMORDNAD_REHABILITERING:1780", or
-- "…:*" for national entries) makes it one exact index lookup.
ALTER TABLE directory_entries ADD COLUMN coverage_keys text[] NOT NULL DEFAULT '{}';
UPDATE directory_entries SET coverage_keys = ARRAY(
    SELECT t::text || ':' || c
    FROM unnest(topics) t,
         unnest(CASE WHEN national THEN ARRAY['*'] ELSE municipality_codes::text[] END) c);
CREATE INDEX directory_entries_coverage ON directory_entries USING gin (coverage_keys) WHERE archived_at IS NULL;

---- create above / drop below ----

ALTER TABLE directory_entries DROP COLUMN coverage_keys;
