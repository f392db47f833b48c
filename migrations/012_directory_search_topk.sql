-- directorySearch stops early. A common word ("vårdcentral" is in a third
-- of a national directory, "rehabilitering" in half) used to have every
-- entry that contains it scored before the best were chosen. This index
-- gives each word's entries in the order of their weight (then id, the
-- search's own tie-break), so that a search reads only the head of each
-- word's list, scores those candidates exactly, and proves from the last
-- weight read that no entry further down can outrank the page it returns
-- (internal/directory/search.go). Like the primary key it covers what a
-- search reads, so it is used under row-level security (text equality is
-- leakproof) without visiting the table.
CREATE INDEX directory_search_terms_ranked ON directory_search_terms
    (term, weight DESC, entry_id DESC) INCLUDE (visibility, org_id, org_kind);

---- create above / drop below ----

DROP INDEX directory_search_terms_ranked;
