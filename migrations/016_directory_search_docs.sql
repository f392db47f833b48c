-- directorySearch finds the entries that have every word at once when the
-- words are each common but seldom together ("vårdcentral
-- försäkringskassan": 35,000 and 15,000 entries, none with both). Reading
-- the heads of their lists finds none together, and proving that took
-- reading both lists whole (60 ms and more). Here each entry's terms are
-- one row, with a GIN index over them as a tsvector: a tsquery such as
--   ('vardcentralen') & ('forsakringskassan' | 'forsakringskassans') & ('~m:1780' | '~m:*')
-- intersects the posting lists inside the index (2 ms), so a search can
-- score exactly the few entries that have every word and filter
-- (internal/directory/search_rounds.go, the "together" round).
--
-- The table links words to entries, so it is protected like
-- directory_search_terms. But the tsquery match (@@) is not leakproof, and
-- under row-level security Postgres never lets such an operator use an
-- index (it must wait for the policy). So the application reads the table
-- only through directory_search_together, a SECURITY DEFINER function that
-- runs one fixed query with the policy written into it: it returns exactly
-- the rows that the policy would show to the current organisation, and no
-- caller-supplied expression ever sees another row.

CREATE TABLE directory_search_docs (
    entry_id   uuid PRIMARY KEY,
    org_id     uuid NOT NULL,
    org_kind   organization_kind NOT NULL,
    visibility directory_visibility NOT NULL,
    -- The entry's rows of directory_search_terms (filters' terms too), in
    -- term order, with their weights in the same order: a search scores
    -- the entries it finds here without looking them up again.
    terms      text[] NOT NULL,
    weights    real[] NOT NULL,
    FOREIGN KEY (org_id, entry_id) REFERENCES directory_entries (org_id, id) ON DELETE CASCADE
);

-- The lexemes the index holds: each term cut to 100 characters, because a
-- tsvector's lexemes must be under 2 KB (longer ones are silently
-- mangled). A cut term stands for every term it begins, so the index may
-- find an entry whose term only begins like the query's; the search scores
-- the full terms and drops it.
CREATE FUNCTION directory_search_lexemes(terms text[]) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT array_to_tsvector(ARRAY(SELECT DISTINCT left(t, 100) FROM unnest(terms) t)) $$;

CREATE INDEX directory_search_docs_terms ON directory_search_docs USING gin (directory_search_lexemes(terms));

INSERT INTO directory_search_docs
SELECT entry_id, org_id, org_kind, visibility, array_agg(term ORDER BY term), array_agg(weight ORDER BY term)
FROM directory_search_terms GROUP BY entry_id, org_id, org_kind, visibility;

-- At most lim entries that match q and that the policy of
-- directory_search_terms shows to the current organisation (any of them
-- when there are more: a caller that gets lim rows knows only that there
-- are at least that many). The caller applies the directory's own
-- visibility rule (förbund membership) on top, as everywhere.
--
-- SECURITY DEFINER so that the GIN index is used (see above); the WHERE
-- clause is the read_visible policy, word for word. SET enable_seqscan:
-- the plan is generic (q is unknown when it is made), and a sequential
-- scan that recomputes every entry's tsvector would cost 30 ms.
CREATE FUNCTION directory_search_together(q tsquery, lim int)
    RETURNS TABLE (entry_id uuid, org_id uuid, org_kind organization_kind, visibility directory_visibility,
                   terms text[], weights real[])
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp SET enable_seqscan = off
    AS $$
    SELECT d.entry_id, d.org_id, d.org_kind, d.visibility, d.terms, d.weights
    FROM directory_search_docs d
    WHERE directory_search_lexemes(d.terms) @@ q
      AND (d.visibility <> 'ORGANISATION' OR d.org_id = (SELECT hub_current_org()))
    LIMIT lim
$$;
REVOKE ALL ON FUNCTION directory_search_together(tsquery, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION directory_search_together(tsquery, int) TO hub_app;
GRANT EXECUTE ON FUNCTION directory_search_lexemes(text[]) TO hub_app;

-- Written by directory.Reindex, with the terms; read only through the
-- function above.
GRANT SELECT, INSERT, DELETE ON directory_search_docs TO hub_app;
ALTER TABLE directory_search_docs ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_visible ON directory_search_docs FOR SELECT
    USING (visibility <> 'ORGANISATION' OR org_id = (SELECT hub_current_org()));
CREATE POLICY own_insert ON directory_search_docs FOR INSERT WITH CHECK (org_id = (SELECT hub_current_org()));
CREATE POLICY own_delete ON directory_search_docs FOR DELETE USING (org_id = (SELECT hub_current_org()));

---- create above / drop below ----

DROP FUNCTION directory_search_together(tsquery, int);
DROP TABLE directory_search_docs;
DROP FUNCTION directory_search_lexemes(text[]);
