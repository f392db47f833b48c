-- What the code renders, written by TestGolden_Individuals (go test -run '^TestGolden_Individuals$' -update).

-- case: own organisation and samtycken, the first page
-- $1 = 21
SELECT i.id, i.org_id, i.unit_id, i.handle, i.protected_identity, i.number_kind, i.registered_at,
	(NOT i.protected_identity OR (i.org_id = hub_current_org() AND i.unit_id IS NOT DISTINCT FROM hub_current_unit())) AS shown,
	CASE WHEN (NOT i.protected_identity OR (i.org_id = hub_current_org() AND i.unit_id IS NOT DISTINCT FROM hub_current_unit())) THEN i.given_name END AS given_name,
	CASE WHEN (NOT i.protected_identity OR (i.org_id = hub_current_org() AND i.unit_id IS NOT DISTINCT FROM hub_current_unit())) THEN i.family_name END AS family_name,
	CASE WHEN (NOT i.protected_identity OR (i.org_id = hub_current_org() AND i.unit_id IS NOT DISTINCT FROM hub_current_unit())) THEN i.number_sealed END AS number_sealed,
	i.number_key_id,
	CASE WHEN i.org_id = hub_current_org() THEN NULL ELSE (SELECT s.consent_id FROM hub_shares_person(i.id) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM individuals i
WHERE (i.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_person(i.id))) AND true
ORDER BY i.registered_at DESC, i.id DESC LIMIT $1;

-- case: own organisation and samtycken, after a cursor
-- $1 = 21
-- $2 = 2025-03-14T09:30:00Z
-- $3 = 1d000000-0000-4000-8000-000000000002
SELECT i.id, i.org_id, i.unit_id, i.handle, i.protected_identity, i.number_kind, i.registered_at,
	(NOT i.protected_identity OR (i.org_id = hub_current_org() AND i.unit_id IS NOT DISTINCT FROM hub_current_unit())) AS shown,
	CASE WHEN (NOT i.protected_identity OR (i.org_id = hub_current_org() AND i.unit_id IS NOT DISTINCT FROM hub_current_unit())) THEN i.given_name END AS given_name,
	CASE WHEN (NOT i.protected_identity OR (i.org_id = hub_current_org() AND i.unit_id IS NOT DISTINCT FROM hub_current_unit())) THEN i.family_name END AS family_name,
	CASE WHEN (NOT i.protected_identity OR (i.org_id = hub_current_org() AND i.unit_id IS NOT DISTINCT FROM hub_current_unit())) THEN i.number_sealed END AS number_sealed,
	i.number_key_id,
	CASE WHEN i.org_id = hub_current_org() THEN NULL ELSE (SELECT s.consent_id FROM hub_shares_person(i.id) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM individuals i
WHERE (i.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_person(i.id))) AND (i.registered_at, i.id) < ($2, $3)
ORDER BY i.registered_at DESC, i.id DESC LIMIT $1;

-- case: own organisation only, the first page
-- $1 = 21
SELECT i.id, i.org_id, i.unit_id, i.handle, i.protected_identity, i.number_kind, i.registered_at,
	(NOT i.protected_identity OR (i.org_id = hub_current_org() AND i.unit_id IS NOT DISTINCT FROM hub_current_unit())) AS shown,
	CASE WHEN (NOT i.protected_identity OR (i.org_id = hub_current_org() AND i.unit_id IS NOT DISTINCT FROM hub_current_unit())) THEN i.given_name END AS given_name,
	CASE WHEN (NOT i.protected_identity OR (i.org_id = hub_current_org() AND i.unit_id IS NOT DISTINCT FROM hub_current_unit())) THEN i.family_name END AS family_name,
	CASE WHEN (NOT i.protected_identity OR (i.org_id = hub_current_org() AND i.unit_id IS NOT DISTINCT FROM hub_current_unit())) THEN i.number_sealed END AS number_sealed,
	i.number_key_id,
	CASE WHEN i.org_id = hub_current_org() THEN NULL ELSE (SELECT s.consent_id FROM hub_shares_person(i.id) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM individuals i
WHERE (i.org_id = hub_current_org() OR false) AND true
ORDER BY i.registered_at DESC, i.id DESC LIMIT $1;

-- case: own organisation only, after a cursor
-- $1 = 21
-- $2 = 2025-03-14T09:30:00Z
-- $3 = 1d000000-0000-4000-8000-000000000002
SELECT i.id, i.org_id, i.unit_id, i.handle, i.protected_identity, i.number_kind, i.registered_at,
	(NOT i.protected_identity OR (i.org_id = hub_current_org() AND i.unit_id IS NOT DISTINCT FROM hub_current_unit())) AS shown,
	CASE WHEN (NOT i.protected_identity OR (i.org_id = hub_current_org() AND i.unit_id IS NOT DISTINCT FROM hub_current_unit())) THEN i.given_name END AS given_name,
	CASE WHEN (NOT i.protected_identity OR (i.org_id = hub_current_org() AND i.unit_id IS NOT DISTINCT FROM hub_current_unit())) THEN i.family_name END AS family_name,
	CASE WHEN (NOT i.protected_identity OR (i.org_id = hub_current_org() AND i.unit_id IS NOT DISTINCT FROM hub_current_unit())) THEN i.number_sealed END AS number_sealed,
	i.number_key_id,
	CASE WHEN i.org_id = hub_current_org() THEN NULL ELSE (SELECT s.consent_id FROM hub_shares_person(i.id) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM individuals i
WHERE (i.org_id = hub_current_org() OR false) AND (i.registered_at, i.id) < ($2, $3)
ORDER BY i.registered_at DESC, i.id DESC LIMIT $1;

-- case: samtycken only, the first page
-- $1 = 21
SELECT i.id, i.org_id, i.unit_id, i.handle, i.protected_identity, i.number_kind, i.registered_at,
	(NOT i.protected_identity OR (i.org_id = hub_current_org() AND i.unit_id IS NOT DISTINCT FROM hub_current_unit())) AS shown,
	CASE WHEN (NOT i.protected_identity OR (i.org_id = hub_current_org() AND i.unit_id IS NOT DISTINCT FROM hub_current_unit())) THEN i.given_name END AS given_name,
	CASE WHEN (NOT i.protected_identity OR (i.org_id = hub_current_org() AND i.unit_id IS NOT DISTINCT FROM hub_current_unit())) THEN i.family_name END AS family_name,
	CASE WHEN (NOT i.protected_identity OR (i.org_id = hub_current_org() AND i.unit_id IS NOT DISTINCT FROM hub_current_unit())) THEN i.number_sealed END AS number_sealed,
	i.number_key_id,
	CASE WHEN i.org_id = hub_current_org() THEN NULL ELSE (SELECT s.consent_id FROM hub_shares_person(i.id) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM individuals i
WHERE (false OR EXISTS (SELECT 1 FROM hub_shares_person(i.id))) AND true
ORDER BY i.registered_at DESC, i.id DESC LIMIT $1;

-- case: samtycken only, after a cursor
-- $1 = 21
-- $2 = 2025-03-14T09:30:00Z
-- $3 = 1d000000-0000-4000-8000-000000000002
SELECT i.id, i.org_id, i.unit_id, i.handle, i.protected_identity, i.number_kind, i.registered_at,
	(NOT i.protected_identity OR (i.org_id = hub_current_org() AND i.unit_id IS NOT DISTINCT FROM hub_current_unit())) AS shown,
	CASE WHEN (NOT i.protected_identity OR (i.org_id = hub_current_org() AND i.unit_id IS NOT DISTINCT FROM hub_current_unit())) THEN i.given_name END AS given_name,
	CASE WHEN (NOT i.protected_identity OR (i.org_id = hub_current_org() AND i.unit_id IS NOT DISTINCT FROM hub_current_unit())) THEN i.family_name END AS family_name,
	CASE WHEN (NOT i.protected_identity OR (i.org_id = hub_current_org() AND i.unit_id IS NOT DISTINCT FROM hub_current_unit())) THEN i.number_sealed END AS number_sealed,
	i.number_key_id,
	CASE WHEN i.org_id = hub_current_org() THEN NULL ELSE (SELECT s.consent_id FROM hub_shares_person(i.id) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM individuals i
WHERE (false OR EXISTS (SELECT 1 FROM hub_shares_person(i.id))) AND (i.registered_at, i.id) < ($2, $3)
ORDER BY i.registered_at DESC, i.id DESC LIMIT $1;
