-- What the code renders, written by TestGolden_Individuals (go test -run '^TestGolden_Individuals$' -update).

-- case: own organisation and samtycken
-- $1 = '\x626c696e6420696e646578'::bytea
SELECT i.id, i.org_id, i.unit_id, i.handle, i.protected_identity, i.number_kind, i.registered_at,
	(NOT i.protected_identity OR (i.org_id = hub_current_org() AND i.unit_id IS NOT DISTINCT FROM hub_current_unit())) AS shown,
	CASE WHEN (NOT i.protected_identity OR (i.org_id = hub_current_org() AND i.unit_id IS NOT DISTINCT FROM hub_current_unit())) THEN i.given_name END AS given_name,
	CASE WHEN (NOT i.protected_identity OR (i.org_id = hub_current_org() AND i.unit_id IS NOT DISTINCT FROM hub_current_unit())) THEN i.family_name END AS family_name,
	CASE WHEN (NOT i.protected_identity OR (i.org_id = hub_current_org() AND i.unit_id IS NOT DISTINCT FROM hub_current_unit())) THEN i.number_sealed END AS number_sealed,
	i.number_key_id,
	CASE WHEN i.org_id = hub_current_org() THEN NULL ELSE (SELECT s.consent_id FROM hub_shares_person(i.id) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM individuals i
WHERE i.number_index = $1 AND (i.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_person(i.id)))
  AND (NOT i.protected_identity OR (i.org_id = hub_current_org() AND i.unit_id IS NOT DISTINCT FROM hub_current_unit()))
ORDER BY i.org_id = hub_current_org() DESC, i.registered_at DESC, i.id
LIMIT 1;

-- case: own organisation only
-- $1 = '\x626c696e6420696e646578'::bytea
SELECT i.id, i.org_id, i.unit_id, i.handle, i.protected_identity, i.number_kind, i.registered_at,
	(NOT i.protected_identity OR (i.org_id = hub_current_org() AND i.unit_id IS NOT DISTINCT FROM hub_current_unit())) AS shown,
	CASE WHEN (NOT i.protected_identity OR (i.org_id = hub_current_org() AND i.unit_id IS NOT DISTINCT FROM hub_current_unit())) THEN i.given_name END AS given_name,
	CASE WHEN (NOT i.protected_identity OR (i.org_id = hub_current_org() AND i.unit_id IS NOT DISTINCT FROM hub_current_unit())) THEN i.family_name END AS family_name,
	CASE WHEN (NOT i.protected_identity OR (i.org_id = hub_current_org() AND i.unit_id IS NOT DISTINCT FROM hub_current_unit())) THEN i.number_sealed END AS number_sealed,
	i.number_key_id,
	CASE WHEN i.org_id = hub_current_org() THEN NULL ELSE (SELECT s.consent_id FROM hub_shares_person(i.id) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM individuals i
WHERE i.number_index = $1 AND (i.org_id = hub_current_org() OR false)
  AND (NOT i.protected_identity OR (i.org_id = hub_current_org() AND i.unit_id IS NOT DISTINCT FROM hub_current_unit()))
ORDER BY i.org_id = hub_current_org() DESC, i.registered_at DESC, i.id
LIMIT 1;

-- case: samtycken only
-- $1 = '\x626c696e6420696e646578'::bytea
SELECT i.id, i.org_id, i.unit_id, i.handle, i.protected_identity, i.number_kind, i.registered_at,
	(NOT i.protected_identity OR (i.org_id = hub_current_org() AND i.unit_id IS NOT DISTINCT FROM hub_current_unit())) AS shown,
	CASE WHEN (NOT i.protected_identity OR (i.org_id = hub_current_org() AND i.unit_id IS NOT DISTINCT FROM hub_current_unit())) THEN i.given_name END AS given_name,
	CASE WHEN (NOT i.protected_identity OR (i.org_id = hub_current_org() AND i.unit_id IS NOT DISTINCT FROM hub_current_unit())) THEN i.family_name END AS family_name,
	CASE WHEN (NOT i.protected_identity OR (i.org_id = hub_current_org() AND i.unit_id IS NOT DISTINCT FROM hub_current_unit())) THEN i.number_sealed END AS number_sealed,
	i.number_key_id,
	CASE WHEN i.org_id = hub_current_org() THEN NULL ELSE (SELECT s.consent_id FROM hub_shares_person(i.id) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM individuals i
WHERE i.number_index = $1 AND (false OR EXISTS (SELECT 1 FROM hub_shares_person(i.id)))
  AND (NOT i.protected_identity OR (i.org_id = hub_current_org() AND i.unit_id IS NOT DISTINCT FROM hub_current_unit()))
ORDER BY i.org_id = hub_current_org() DESC, i.registered_at DESC, i.id
LIMIT 1;
