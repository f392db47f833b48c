-- The SQL of the audit trail: records, chained by hash in lanes per
-- organisation (migrations 004 and 017), and the loggutdrag rows of
-- personal_data_access. Loaded by queries.go; {{hole}} is a fragment of this
-- file or, where none is named so, a part the Go code fills (see
-- internal/platform/sqlfile).

-- Records.

-- name: append_record
-- Appends a record to a lane of the chain of the transaction's
-- organisation, through the database function (which picks the lane and
-- refuses a record of another organisation), and returns its position.
SELECT lane, seq FROM audit_append($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)

-- name: record_columns
-- A Record, from audit_records r.
r.org_id, r.lane, r.seq, r.id, r.at, r.request_id, r.user_id, r.unit_id, r.roles, r.client_id,
	r.operation_type, r.operation_name, r.object_ids, r.decision, r.reason, r.purpose, r.consent_id,
	r.client_operation_name

-- name: list_records
-- One page of the records of organisation $1, newest first. {{where}} is
-- the filter and the cursor (Filter.where, List), {{limit}} the parameter
-- of the page size plus one.
SELECT {{record_columns}}
FROM audit_records r
WHERE r.org_id = $1 AND {{where}}
ORDER BY r.at DESC, r.lane DESC, r.seq DESC
LIMIT {{limit}}

-- name: count_records
-- The records of organisation $1 matching the filter {{where}}, as rows to
-- count (Count bounds the count: page.BoundedCount).
SELECT 1 FROM audit_records r WHERE r.org_id = $1 AND {{where}}

-- name: verify_chains
-- The first broken record of each broken lane of every organisation's
-- chain (none: the trail is intact). See Verify for what breaks a lane.
WITH checked AS (
	SELECT r.org_id, r.lane, r.seq, r.id, 1 AS rank,
		CASE
			WHEN r.seq <> coalesce(lag(r.seq) OVER w, 0) + 1 THEN 'a record before this one is missing (sequence jumps)'
			WHEN r.prev_hash <> coalesce(lag(r.hash) OVER w, '\x'::bytea) THEN 'does not link to the record before it'
			WHEN r.hash <> audit_hash(r.prev_hash, r) THEN 'content does not match its hash (changed after writing)'
		END AS problem
	FROM audit_records r
	WINDOW w AS (PARTITION BY r.org_id, r.lane ORDER BY r.seq)
), newest AS (
	SELECT DISTINCT ON (r.org_id, r.lane) r.org_id, r.lane, r.seq, r.hash
	FROM audit_records r
	ORDER BY r.org_id, r.lane, r.seq DESC
), heads AS (
	SELECT h.org_id, h.lane, greatest(h.seq, coalesce(n.seq, 0)) AS seq, NULL::uuid AS id, 2 AS rank,
		CASE
			WHEN h.seq > coalesce(n.seq, 0) THEN 'the newest records are missing'
			WHEN h.seq < n.seq THEN 'records follow the chain head'
			ELSE 'the chain head does not match the newest record'
		END || ' (chain head is at ' || h.seq || ', records end at ' || coalesce(n.seq, 0) || ')' AS problem
	FROM audit_chain_heads h LEFT JOIN newest n ON n.org_id = h.org_id AND n.lane = h.lane
	WHERE h.seq <> coalesce(n.seq, 0) OR h.hash <> coalesce(n.hash, '\x'::bytea)
), lanes AS (
	SELECT o.org_id, l.lane::smallint AS lane, 0::bigint AS seq, NULL::uuid AS id, 0 AS rank,
		'the chain head of this lane is missing' AS problem
	FROM (SELECT org_id FROM audit_chain_heads UNION SELECT org_id FROM audit_records) o
	CROSS JOIN generate_series(0, audit_lanes() - 1) l(lane)
	WHERE NOT EXISTS (SELECT 1 FROM audit_chain_heads h WHERE h.org_id = o.org_id AND h.lane = l.lane)
	UNION ALL
	SELECT n.org_id, n.lane, 0::bigint, NULL::uuid, 0, 'the chain head of this lane is missing'
	FROM newest n
	WHERE n.lane >= audit_lanes()
	  AND NOT EXISTS (SELECT 1 FROM audit_chain_heads h WHERE h.org_id = n.org_id AND h.lane = n.lane)
)
SELECT DISTINCT ON (org_id, lane) org_id, lane, seq, coalesce(id, '00000000-0000-0000-0000-000000000000') AS id, problem
FROM (SELECT * FROM checked WHERE problem IS NOT NULL UNION ALL SELECT * FROM heads UNION ALL SELECT * FROM lanes) b
ORDER BY org_id, lane, seq, rank

-- The loggutdrag.

-- name: append_accesses
-- The loggutdrag rows of one audit record: one row per element of the
-- arrays $1–$5 (individual, owning organisation, samtycke or NULL, object,
-- READ or WRITE); $6–$12 are the record's time, organisation, unit, user,
-- roles, purpose and operation, $13 and $14 its lane and seq.
INSERT INTO personal_data_access (owner_org_id, individual_id, at, actor_org_id, actor_unit_id,
	user_id, roles, purpose, operation, action, object_id, consent_id, audit_lane, audit_seq)
SELECT a.owner, a.individual, $6, $7, $8, $9, $10, $11::consent_purpose, $12, a.action, a.object, a.consent, $13, $14
FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[]) AS a(individual, owner, consent, object, action)

-- name: access_log
-- One page of the loggutdrag of the own organisation's individual $1,
-- newest first: $2 is the page size plus one; {{after}} is true on the
-- first page, else the cursor's condition on $3.
SELECT a.id, a.at, a.actor_org_id, a.actor_unit_id, a.user_id, a.roles,
	a.purpose::text AS purpose, a.operation, a.action, a.object_id, a.consent_id, a.audit_lane, a.audit_seq
FROM personal_data_access a
WHERE a.individual_id = $1 AND a.owner_org_id = hub_current_org() AND {{after}}
ORDER BY a.id DESC LIMIT $2

-- name: count_access_log
-- The loggutdrag rows of individual $1, as rows to count (bounded by
-- page.BoundedCount).
SELECT 1 FROM personal_data_access a WHERE a.individual_id = $1 AND a.owner_org_id = hub_current_org()

-- name: lock_object
-- Takes the transaction's advisory lock on the object $1 (a global id):
-- transactions asking about the same object go one after the other.
SELECT pg_advisory_xact_lock(hashtextextended('audit:' || $1::text, 0))

-- name: recorded
-- Whether the organisation $1's trail holds a record of the operation type
-- $2 and name $3 about the object $4 with the decision $5 and reason $6.
SELECT EXISTS (SELECT 1 FROM audit_records r
	WHERE r.org_id = $1 AND r.operation_type = $2 AND r.operation_name = $3
		AND r.object_ids @> ARRAY[$4::text] AND r.decision = $5 AND r.reason = $6)
