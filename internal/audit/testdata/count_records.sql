-- What the code renders, written by TestGolden_Records (go test -run '^TestGolden_Records$' -update).

-- case: no filter, the first page
-- $1 = 0a000000-0000-4000-8000-000000000001
SELECT count(*) FROM (SELECT 1 FROM audit_records r WHERE r.org_id = $1 AND true LIMIT 1000) counted;

-- case: every filter, the first page
-- $1 = 0a000000-0000-4000-8000-000000000001
-- $2 = "ph.fk"
-- $3 = "Case:9c000000-0000-4000-8000-000000000001"
-- $4 = 2025-03-01T00:00:00Z
-- $5 = 2025-04-01T00:00:00Z
SELECT count(*) FROM (SELECT 1 FROM audit_records r WHERE r.org_id = $1 AND true AND r.user_id = $2 AND r.object_ids @> ARRAY[$3::text] AND r.at >= $4 AND r.at < $5 LIMIT 1000) counted;
