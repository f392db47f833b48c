-- What the code renders, written by TestGolden_Records (go test -run '^TestGolden_Records$' -update).

-- case: no filter, the first page
-- $1 = 0a000000-0000-4000-8000-000000000001
-- $2 = 21
SELECT r.org_id, r.lane, r.seq, r.id, r.at, r.request_id, r.user_id, r.unit_id, r.roles, r.client_id,
	r.operation_type, r.operation_name, r.object_ids, r.decision, r.reason, r.purpose, r.consent_id,
	r.client_operation_name
FROM audit_records r
WHERE r.org_id = $1 AND true
ORDER BY r.at DESC, r.lane DESC, r.seq DESC
LIMIT $2;

-- case: every filter, the first page
-- $1 = 0a000000-0000-4000-8000-000000000001
-- $2 = "ph.fk"
-- $3 = "Case:9c000000-0000-4000-8000-000000000001"
-- $4 = 2025-03-01T00:00:00Z
-- $5 = 2025-04-01T00:00:00Z
-- $6 = 21
SELECT r.org_id, r.lane, r.seq, r.id, r.at, r.request_id, r.user_id, r.unit_id, r.roles, r.client_id,
	r.operation_type, r.operation_name, r.object_ids, r.decision, r.reason, r.purpose, r.consent_id,
	r.client_operation_name
FROM audit_records r
WHERE r.org_id = $1 AND true AND r.user_id = $2 AND r.object_ids @> ARRAY[$3::text] AND r.at >= $4 AND r.at < $5
ORDER BY r.at DESC, r.lane DESC, r.seq DESC
LIMIT $6;

-- case: a user, after a cursor
-- $1 = 0a000000-0000-4000-8000-000000000001
-- $2 = "ph.fk"
-- $3 = 2025-03-14T09:30:00.123456Z
-- $4 = 3
-- $5 = 42
-- $6 = 51
SELECT r.org_id, r.lane, r.seq, r.id, r.at, r.request_id, r.user_id, r.unit_id, r.roles, r.client_id,
	r.operation_type, r.operation_name, r.object_ids, r.decision, r.reason, r.purpose, r.consent_id,
	r.client_operation_name
FROM audit_records r
WHERE r.org_id = $1 AND true AND r.user_id = $2 AND (r.at, r.lane, r.seq) < ($3, $4, $5)
ORDER BY r.at DESC, r.lane DESC, r.seq DESC
LIMIT $6;
