-- directorySearch through an inverted index of its own. Trigram matching
-- on each entry's whole search text cannot use its index under row-level
-- security (the operator is not leakproof) and is slow on long texts even
-- with it: a common word such as "vårdcentral" matches a third of a
-- national directory, and every match had to be re-checked character by
-- character. Instead:
--
-- * directory_search_lexicon holds every distinct word of the directory,
--   folded (lower case, no accents). A query word is expanded to the
--   lexicon words that are similar (trigram similarity, which forgives a
--   typo or a missing letter) or that it begins: "forsakringskasan" finds
--   "forsakringskassan", "vardcentral" finds "vardcentralen".
-- * directory_search_terms maps each word to the entries that contain it,
--   with a weight for where it occurs (the function's name counts most).
--   Filters are terms too ("~m:1780", "~m:*" for national entries,
--   "~t:SIP"), so that filtering never reads the entries. Owner, owner kind
--   and visibility are copied in, as in directory_ways, so the viewer's
--   filter runs on the index rows. Lookups are text equality, which is
--   leakproof, so the index is used under row-level security.
--
-- The words of an entry visible only to its own organisation are in the
-- lexicon (it holds words, never which entry has them); the terms table,
-- which links words to entries, is protected like the entries.

CREATE TABLE directory_search_lexicon (
    term text PRIMARY KEY
);
-- GIN, not GiST: finding the words similar to one query word in a
-- national lexicon takes 0.3 ms with it, 10 ms by GiST's nearest-neighbour
-- order.
CREATE INDEX directory_search_lexicon_trgm ON directory_search_lexicon USING gin (term gin_trgm_ops);
CREATE INDEX directory_search_lexicon_prefix ON directory_search_lexicon (term text_pattern_ops);

CREATE TABLE directory_search_terms (
    term       text NOT NULL,
    entry_id   uuid NOT NULL,
    org_id     uuid NOT NULL,
    org_kind   organization_kind NOT NULL,
    visibility directory_visibility NOT NULL,
    -- 1 for a word of the function's name, 0.8 of the organisation's or
    -- unit's name or a topic, 0.6 elsewhere (description, places, groups).
    weight     real NOT NULL,
    -- Covering: a search reads only this index (a common word has tens of
    -- thousands of entries; visiting their heap rows was most of the cost).
    PRIMARY KEY (term, entry_id) INCLUDE (weight, visibility, org_id, org_kind),
    FOREIGN KEY (org_id, entry_id) REFERENCES directory_entries (org_id, id) ON DELETE CASCADE
);
CREATE INDEX directory_search_terms_entry ON directory_search_terms (entry_id);

-- The terms of the given live entries (all when ids is NULL): the one
-- definition of what is searchable.
CREATE FUNCTION directory_search_terms_of(ids uuid[]) RETURNS SETOF directory_search_terms
    LANGUAGE sql STABLE
    AS $$
    WITH e AS (
        SELECT x.*, o.kind AS org_kind, o.name AS org_name, u.name AS unit_name
        FROM directory_entries x
        JOIN organizations o ON o.id = x.org_id
        LEFT JOIN units u ON u.id = x.unit_id
        WHERE (ids IS NULL OR x.id = ANY(ids)) AND x.archived_at IS NULL
    ),
    texts AS (
        SELECT e.id, 1.0::real AS weight, e.function_name AS t FROM e
        UNION ALL SELECT e.id, 0.8, concat_ws(' ', e.org_name, e.unit_name,
            replace(array_to_string(e.topics::text[], ' '), '_', ' ')) FROM e
        UNION ALL SELECT e.id, 0.6, concat_ws(' ', e.description, array_to_string(e.target_groups, ' '),
            (SELECT string_agg(m.name, ' ') FROM municipalities m WHERE m.code = ANY(e.municipality_codes))) FROM e
    ),
    words AS (
        SELECT w AS term, texts.id, texts.weight
        FROM texts, regexp_split_to_table(hub_fold(texts.t), '[^[:alnum:]]+') w
        WHERE length(w) >= 2
        UNION ALL
        SELECT '~m:' || c, e.id, 0 FROM e, unnest(e.municipality_codes) c
        UNION ALL
        SELECT '~m:*', e.id, 0 FROM e WHERE e.national
        UNION ALL
        SELECT '~t:' || t, e.id, 0 FROM e, unnest(e.topics) t
    )
    SELECT w.term, e.id, e.org_id, e.org_kind, e.visibility, max(w.weight)
    FROM words w JOIN e ON e.id = w.id
    GROUP BY w.term, e.id, e.org_id, e.org_kind, e.visibility
$$;

INSERT INTO directory_search_terms SELECT * FROM directory_search_terms_of(NULL);
-- The whole-text columns of migration 007 are replaced.
ALTER TABLE directory_entries DROP COLUMN search_text, DROP COLUMN search_tsv;
INSERT INTO directory_search_lexicon
SELECT DISTINCT term FROM directory_search_terms WHERE term NOT LIKE '~%';

GRANT SELECT, INSERT ON directory_search_lexicon TO hub_app;
ALTER TABLE directory_search_lexicon ENABLE ROW LEVEL SECURITY;
CREATE POLICY words_read ON directory_search_lexicon FOR SELECT USING (true);
CREATE POLICY words_add ON directory_search_lexicon FOR INSERT WITH CHECK (true);

GRANT SELECT, INSERT, DELETE ON directory_search_terms TO hub_app;
GRANT EXECUTE ON FUNCTION directory_search_terms_of(uuid[]) TO hub_app;
ALTER TABLE directory_search_terms ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_visible ON directory_search_terms FOR SELECT
    USING (visibility <> 'ORGANISATION' OR org_id = (SELECT hub_current_org()));
CREATE POLICY own_insert ON directory_search_terms FOR INSERT WITH CHECK (org_id = (SELECT hub_current_org()));
CREATE POLICY own_delete ON directory_search_terms FOR DELETE USING (org_id = (SELECT hub_current_org()));

---- create above / drop below ----

REVOKE ALL ON directory_search_terms, directory_search_lexicon FROM hub_app;
ALTER TABLE directory_entries
    ADD COLUMN search_text text NOT NULL DEFAULT '',
    ADD COLUMN search_tsv tsvector NOT NULL DEFAULT ''::tsvector;
CREATE INDEX directory_entries_search_trgm ON directory_entries USING gin (search_text gin_trgm_ops) WHERE archived_at IS NULL;
CREATE INDEX directory_entries_search_tsv ON directory_entries USING gin (search_tsv) WHERE archived_at IS NULL;
DROP FUNCTION directory_search_terms_of(uuid[]);
DROP TABLE directory_search_terms;
DROP TABLE directory_search_lexicon;
