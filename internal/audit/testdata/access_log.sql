-- What the code renders, written by TestGolden_AccessLog (go test -run '^TestGolden_AccessLog$' -update).

-- case: the first page
-- $1 = 1d000000-0000-4000-8000-000000000001
-- $2 = 21
SELECT a.id, a.at, a.actor_org_id, a.actor_unit_id, a.user_id, a.roles,
	a.purpose::text AS purpose, a.operation, a.action, a.object_id, a.consent_id, a.audit_lane, a.audit_seq
FROM personal_data_access a
WHERE a.individual_id = $1 AND a.owner_org_id = hub_current_org() AND true
ORDER BY a.id DESC LIMIT $2;

-- case: after a cursor
-- $1 = 1d000000-0000-4000-8000-000000000001
-- $2 = 21
-- $3 = 4711
SELECT a.id, a.at, a.actor_org_id, a.actor_unit_id, a.user_id, a.roles,
	a.purpose::text AS purpose, a.operation, a.action, a.object_id, a.consent_id, a.audit_lane, a.audit_seq
FROM personal_data_access a
WHERE a.individual_id = $1 AND a.owner_org_id = hub_current_org() AND a.id < $3
ORDER BY a.id DESC LIMIT $2;

-- case: the count
-- $1 = 1d000000-0000-4000-8000-000000000001
SELECT count(*) FROM (SELECT 1 FROM personal_data_access a WHERE a.individual_id = $1 AND a.owner_org_id = hub_current_org() LIMIT 1000) counted;
