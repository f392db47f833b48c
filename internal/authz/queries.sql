-- The SQL of authz: the stored policy, and the relations the policy's
-- rules ask about (LEAD, FEDERATION). Loaded by queries.go (see
-- internal/platform/sqlfile).

-- The policy.

-- name: store_policy
-- Stores the policy text $1, loaded by $2, as the newest version and
-- announces the version on the channel $3 (delivered at commit).
WITH stored AS (
	INSERT INTO authz_policies (policy, loaded_by) VALUES ($1, $2) RETURNING version
)
SELECT version FROM stored, pg_notify($3, (SELECT version FROM stored)::text)

-- name: newest_policy
SELECT version, policy FROM authz_policies ORDER BY version DESC LIMIT 1

-- name: await_replicas
-- The replicas of this database (their policy watchers' sessions, named
-- $1 followed by the version in force) and how many have a version
-- older than $2.
SELECT count(*)::int, (count(*) FILTER (WHERE substr(application_name, length($1) + 1)::bigint < $2))::int
FROM pg_stat_activity
WHERE datname = current_database() AND starts_with(application_name, $1)

-- Relations.

-- name: leads_case_of
-- Whether the user $2 leads one of the cases of individual $1 in the own
-- organisation: as the named handläggare, or as a member of the lead unit.
SELECT EXISTS (SELECT 1 FROM cases c
	WHERE c.individual_id = $1 AND c.org_id = hub_current_org()
	  AND (c.lead_user_id = $2 OR c.lead_unit_id = hub_current_unit()))

-- name: fellow_members
-- Whether the organisations $1 and $2 are members of a common federation
-- today, or one is a förbund the other is a member of.
SELECT EXISTS (
	SELECT 1 FROM federation_memberships x
	JOIN federation_memberships y ON y.federation_id = x.federation_id
	WHERE x.member_org_id = $1 AND y.member_org_id = $2
	  AND x.valid_from <= hub_today() AND (x.valid_to IS NULL OR x.valid_to > hub_today())
	  AND y.valid_from <= hub_today() AND (y.valid_to IS NULL OR y.valid_to > hub_today())
) OR EXISTS (
	SELECT 1 FROM federations f
	JOIN federation_memberships x ON x.federation_id = f.id
	WHERE ((f.org_id = $1 AND x.member_org_id = $2) OR (f.org_id = $2 AND x.member_org_id = $1))
	  AND x.valid_from <= hub_today() AND (x.valid_to IS NULL OR x.valid_to > hub_today()))
