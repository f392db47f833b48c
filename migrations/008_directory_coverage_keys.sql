-- waysIn looks entries up by (topic, municipality). Two GIN indexes on the
-- entries (topics, municipality_codes) leave Postgres intersecting large
-- sets at national scale, and under row-level security an index condition
-- must be leakproof, which array operators are not. So the lookup goes
-- through this key table instead: one row per topic × municipality served
-- ("SAMORDNAD_REHABILITERING:1780", or "…:*" for national entries), found
-- by btree equality, then joined to the entries by primary key. It holds no
-- personal data and no text of the entries, only opaque ids and keys.
CREATE TABLE directory_coverage_keys (
    key      text NOT NULL,
    entry_id uuid NOT NULL REFERENCES directory_entries (id) ON DELETE CASCADE,
    org_id   uuid NOT NULL,
    PRIMARY KEY (key, entry_id)
);
CREATE INDEX directory_coverage_keys_entry ON directory_coverage_keys (entry_id);

INSERT INTO directory_coverage_keys (key, entry_id, org_id)
SELECT t::text || ':' || c, e.id, e.org_id
FROM directory_entries e,
     unnest(e.topics) t,
     unnest(CASE WHEN e.national THEN ARRAY['*'] ELSE e.municipality_codes::text[] END) c;

GRANT SELECT, INSERT, DELETE ON directory_coverage_keys TO hub_app;
ALTER TABLE directory_coverage_keys ENABLE ROW LEVEL SECURITY;
CREATE POLICY keys_read ON directory_coverage_keys FOR SELECT USING (true);
CREATE POLICY own_insert ON directory_coverage_keys FOR INSERT WITH CHECK (org_id = (SELECT hub_current_org()));
CREATE POLICY own_delete ON directory_coverage_keys FOR DELETE USING (org_id = (SELECT hub_current_org()));

---- create above / drop below ----

REVOKE ALL ON directory_coverage_keys FROM hub_app;
DROP TABLE directory_coverage_keys;
