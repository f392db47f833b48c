-- Free-text search over the directory, in Postgres itself: Swedish full-text
-- search for whole words and stems, trigram similarity for misspellings
-- ("försäkringskasan", "rehabkordinator"), both over an accent-free,
-- lower-case search text ("vardcentral" finds "Vårdcentralen").
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- unaccent() is only STABLE (its dictionary could change); pinning the
-- dictionary makes an IMMUTABLE wrapper usable in indexes.
CREATE FUNCTION hub_fold(t text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, t)) $$;

ALTER TABLE directory_entries
    ADD COLUMN search_text text NOT NULL DEFAULT '',
    ADD COLUMN search_tsv tsvector NOT NULL DEFAULT ''::tsvector;
CREATE INDEX directory_entries_search_trgm ON directory_entries USING gin (search_text gin_trgm_ops) WHERE archived_at IS NULL;
CREATE INDEX directory_entries_search_tsv ON directory_entries USING gin (search_tsv) WHERE archived_at IS NULL;

GRANT EXECUTE ON FUNCTION hub_fold(text) TO hub_app;

---- create above / drop below ----

ALTER TABLE directory_entries DROP COLUMN search_tsv, DROP COLUMN search_text;
DROP FUNCTION hub_fold(text);
