-- waysIn answers from a precomputed, ranked table: one row per entry and
-- coverage key ("SAMORDNAD_REHABILITERING:1780", or "…:*" for the national
-- answer), carrying the entry's match level for that municipality and its
-- sort keys. An index in answer order then yields the best ways in first,
-- and the query stops after the page instead of ranking every match (774
-- for a common question at national scale). Visibility, owner and owner
-- kind are copied in so that the viewer's filter runs inside the index
-- scan; the kind of an organisation never changes.
--
-- It replaces directory_coverage_keys (migration 008), which found the
-- matches by key but still ranked them all.

CREATE TABLE directory_ways (
    key           text NOT NULL,
    entry_id      uuid NOT NULL,
    org_id        uuid NOT NULL,
    org_kind      organization_kind NOT NULL,
    visibility    directory_visibility NOT NULL,
    -- 1: names the municipality; 2: covers its whole county; 3: national.
    level         smallint NOT NULL CHECK (level BETWEEN 1 AND 3),
    -- 0 when the entry is the responsible party for the topic, else 1.
    lead_rank     smallint NOT NULL CHECK (lead_rank IN (0, 1)),
    -- How many municipalities it names: the narrower first.
    breadth       int NOT NULL,
    function_name text NOT NULL,
    PRIMARY KEY (key, entry_id),
    FOREIGN KEY (org_id, entry_id) REFERENCES directory_entries (org_id, id) ON DELETE CASCADE
);
CREATE INDEX directory_ways_answer ON directory_ways (key, level, lead_rank, breadth, function_name, entry_id)
    INCLUDE (visibility, org_id, org_kind);
CREATE INDEX directory_ways_entry ON directory_ways (entry_id);

-- The ways of the given live entries (all live entries when ids is NULL),
-- computed from the entries themselves: the one definition of the ranking.
CREATE FUNCTION directory_ways_of(ids uuid[]) RETURNS SETOF directory_ways
    LANGUAGE sql STABLE
    AS $$
    WITH county AS (
        SELECT m.code, array_agg(c.code) AS codes
        FROM municipalities m JOIN municipalities c ON c.county_code = m.county_code
        GROUP BY m.code
    )
    SELECT t::text || ':' || p.place, e.id, e.org_id, o.kind, e.visibility, p.level,
           CASE WHEN e.lead_topics @> ARRAY[t] THEN 0 ELSE 1 END::smallint,
           cardinality(e.municipality_codes), e.function_name
    FROM directory_entries e
    JOIN organizations o ON o.id = e.org_id
    CROSS JOIN unnest(e.topics) t
    CROSS JOIN LATERAL (
        SELECT c.code::text AS place,
               CASE WHEN e.municipality_codes @> c.codes::char(4)[] THEN 2 ELSE 1 END::smallint AS level
        FROM county c WHERE c.code = ANY(e.municipality_codes)
        UNION ALL
        SELECT '*', 3::smallint WHERE e.national
    ) p
    WHERE (ids IS NULL OR e.id = ANY(ids)) AND e.archived_at IS NULL
$$;

INSERT INTO directory_ways SELECT * FROM directory_ways_of(NULL);
DROP TABLE directory_coverage_keys;

GRANT SELECT, INSERT, DELETE ON directory_ways TO hub_app;
GRANT EXECUTE ON FUNCTION directory_ways_of(uuid[]) TO hub_app;
ALTER TABLE directory_ways ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_visible ON directory_ways FOR SELECT
    USING (visibility <> 'ORGANISATION' OR org_id = (SELECT hub_current_org()));
CREATE POLICY own_insert ON directory_ways FOR INSERT WITH CHECK (org_id = (SELECT hub_current_org()));
CREATE POLICY own_delete ON directory_ways FOR DELETE USING (org_id = (SELECT hub_current_org()));

---- create above / drop below ----

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

REVOKE ALL ON directory_ways FROM hub_app;
DROP FUNCTION directory_ways_of(uuid[]);
DROP TABLE directory_ways;
