-- What the code renders, written by TestGolden_ListCases (go test -run '^TestGolden_ListCases$' -update).

-- case: own organisation and samtycken, the first page of 20
SELECT c.id, c.org_id, c.unit_id, c.individual_id, c.federation_id, c.lead_unit_id, c.lead_user_id, c.lead_name,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_EKONOMISKT_BISTAND'::information_class))) THEN c.sgi END AS sgi,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_EKONOMISKT_BISTAND'::information_class))) THEN c.on_forsorjningsstod END AS on_forsorjningsstod,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.health_obstacle END AS health_obstacle,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.care_contact END AS care_contact,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.af_status END AS af_status,
	c.routine_id, c.state, c.opened_at, c.opened_by, CASE WHEN c.org_id = hub_current_org() THEN NULL ELSE (SELECT s.consent_id FROM hub_shares_person(c.individual_id) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM cases c WHERE (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_person(c.individual_id)))
ORDER BY c.opened_at DESC, c.id DESC LIMIT 21;

-- case: own organisation and samtycken, a page of 50 after a cursor
-- $1 = 2025-03-14T09:30:00Z
-- $2 = ca000000-0000-4000-8000-000000000002
SELECT c.id, c.org_id, c.unit_id, c.individual_id, c.federation_id, c.lead_unit_id, c.lead_user_id, c.lead_name,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_EKONOMISKT_BISTAND'::information_class))) THEN c.sgi END AS sgi,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_EKONOMISKT_BISTAND'::information_class))) THEN c.on_forsorjningsstod END AS on_forsorjningsstod,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.health_obstacle END AS health_obstacle,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.care_contact END AS care_contact,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.af_status END AS af_status,
	c.routine_id, c.state, c.opened_at, c.opened_by, CASE WHEN c.org_id = hub_current_org() THEN NULL ELSE (SELECT s.consent_id FROM hub_shares_person(c.individual_id) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM cases c WHERE (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_person(c.individual_id))) AND (c.opened_at, c.id) < ($1, $2)
ORDER BY c.opened_at DESC, c.id DESC LIMIT 51;

-- case: own organisation and samtycken, of a federation, the first page of 5
-- $1 = f0000000-0000-4000-8000-000000000001
SELECT c.id, c.org_id, c.unit_id, c.individual_id, c.federation_id, c.lead_unit_id, c.lead_user_id, c.lead_name,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_EKONOMISKT_BISTAND'::information_class))) THEN c.sgi END AS sgi,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_EKONOMISKT_BISTAND'::information_class))) THEN c.on_forsorjningsstod END AS on_forsorjningsstod,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.health_obstacle END AS health_obstacle,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.care_contact END AS care_contact,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.af_status END AS af_status,
	c.routine_id, c.state, c.opened_at, c.opened_by, CASE WHEN c.org_id = hub_current_org() THEN NULL ELSE (SELECT s.consent_id FROM hub_shares_person(c.individual_id) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM cases c WHERE (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_person(c.individual_id))) AND c.federation_id = $1
ORDER BY c.opened_at DESC, c.id DESC LIMIT 6;

-- case: own organisation and samtycken, of a federation, a page of 100 after a cursor
-- $1 = f0000000-0000-4000-8000-000000000001
-- $2 = 2025-03-14T09:30:00Z
-- $3 = ca000000-0000-4000-8000-000000000002
SELECT c.id, c.org_id, c.unit_id, c.individual_id, c.federation_id, c.lead_unit_id, c.lead_user_id, c.lead_name,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_EKONOMISKT_BISTAND'::information_class))) THEN c.sgi END AS sgi,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_EKONOMISKT_BISTAND'::information_class))) THEN c.on_forsorjningsstod END AS on_forsorjningsstod,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.health_obstacle END AS health_obstacle,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.care_contact END AS care_contact,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.af_status END AS af_status,
	c.routine_id, c.state, c.opened_at, c.opened_by, CASE WHEN c.org_id = hub_current_org() THEN NULL ELSE (SELECT s.consent_id FROM hub_shares_person(c.individual_id) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM cases c WHERE (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_person(c.individual_id))) AND c.federation_id = $1 AND (c.opened_at, c.id) < ($2, $3)
ORDER BY c.opened_at DESC, c.id DESC LIMIT 101;

-- case: own organisation only, the first page of 20
SELECT c.id, c.org_id, c.unit_id, c.individual_id, c.federation_id, c.lead_unit_id, c.lead_user_id, c.lead_name,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_EKONOMISKT_BISTAND'::information_class))) THEN c.sgi END AS sgi,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_EKONOMISKT_BISTAND'::information_class))) THEN c.on_forsorjningsstod END AS on_forsorjningsstod,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.health_obstacle END AS health_obstacle,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.care_contact END AS care_contact,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.af_status END AS af_status,
	c.routine_id, c.state, c.opened_at, c.opened_by, CASE WHEN c.org_id = hub_current_org() THEN NULL ELSE (SELECT s.consent_id FROM hub_shares_person(c.individual_id) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM cases c WHERE (c.org_id = hub_current_org() OR false)
ORDER BY c.opened_at DESC, c.id DESC LIMIT 21;

-- case: own organisation only, a page of 50 after a cursor
-- $1 = 2025-03-14T09:30:00Z
-- $2 = ca000000-0000-4000-8000-000000000002
SELECT c.id, c.org_id, c.unit_id, c.individual_id, c.federation_id, c.lead_unit_id, c.lead_user_id, c.lead_name,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_EKONOMISKT_BISTAND'::information_class))) THEN c.sgi END AS sgi,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_EKONOMISKT_BISTAND'::information_class))) THEN c.on_forsorjningsstod END AS on_forsorjningsstod,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.health_obstacle END AS health_obstacle,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.care_contact END AS care_contact,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.af_status END AS af_status,
	c.routine_id, c.state, c.opened_at, c.opened_by, CASE WHEN c.org_id = hub_current_org() THEN NULL ELSE (SELECT s.consent_id FROM hub_shares_person(c.individual_id) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM cases c WHERE (c.org_id = hub_current_org() OR false) AND (c.opened_at, c.id) < ($1, $2)
ORDER BY c.opened_at DESC, c.id DESC LIMIT 51;

-- case: own organisation only, of a federation, the first page of 5
-- $1 = f0000000-0000-4000-8000-000000000001
SELECT c.id, c.org_id, c.unit_id, c.individual_id, c.federation_id, c.lead_unit_id, c.lead_user_id, c.lead_name,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_EKONOMISKT_BISTAND'::information_class))) THEN c.sgi END AS sgi,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_EKONOMISKT_BISTAND'::information_class))) THEN c.on_forsorjningsstod END AS on_forsorjningsstod,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.health_obstacle END AS health_obstacle,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.care_contact END AS care_contact,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.af_status END AS af_status,
	c.routine_id, c.state, c.opened_at, c.opened_by, CASE WHEN c.org_id = hub_current_org() THEN NULL ELSE (SELECT s.consent_id FROM hub_shares_person(c.individual_id) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM cases c WHERE (c.org_id = hub_current_org() OR false) AND c.federation_id = $1
ORDER BY c.opened_at DESC, c.id DESC LIMIT 6;

-- case: own organisation only, of a federation, a page of 100 after a cursor
-- $1 = f0000000-0000-4000-8000-000000000001
-- $2 = 2025-03-14T09:30:00Z
-- $3 = ca000000-0000-4000-8000-000000000002
SELECT c.id, c.org_id, c.unit_id, c.individual_id, c.federation_id, c.lead_unit_id, c.lead_user_id, c.lead_name,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_EKONOMISKT_BISTAND'::information_class))) THEN c.sgi END AS sgi,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_EKONOMISKT_BISTAND'::information_class))) THEN c.on_forsorjningsstod END AS on_forsorjningsstod,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.health_obstacle END AS health_obstacle,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.care_contact END AS care_contact,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.af_status END AS af_status,
	c.routine_id, c.state, c.opened_at, c.opened_by, CASE WHEN c.org_id = hub_current_org() THEN NULL ELSE (SELECT s.consent_id FROM hub_shares_person(c.individual_id) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM cases c WHERE (c.org_id = hub_current_org() OR false) AND c.federation_id = $1 AND (c.opened_at, c.id) < ($2, $3)
ORDER BY c.opened_at DESC, c.id DESC LIMIT 101;

-- case: samtycken only, the first page of 20
SELECT c.id, c.org_id, c.unit_id, c.individual_id, c.federation_id, c.lead_unit_id, c.lead_user_id, c.lead_name,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_EKONOMISKT_BISTAND'::information_class))) THEN c.sgi END AS sgi,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_EKONOMISKT_BISTAND'::information_class))) THEN c.on_forsorjningsstod END AS on_forsorjningsstod,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.health_obstacle END AS health_obstacle,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.care_contact END AS care_contact,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.af_status END AS af_status,
	c.routine_id, c.state, c.opened_at, c.opened_by, CASE WHEN c.org_id = hub_current_org() THEN NULL ELSE (SELECT s.consent_id FROM hub_shares_person(c.individual_id) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM cases c WHERE (false OR EXISTS (SELECT 1 FROM hub_shares_person(c.individual_id)))
ORDER BY c.opened_at DESC, c.id DESC LIMIT 21;

-- case: samtycken only, a page of 50 after a cursor
-- $1 = 2025-03-14T09:30:00Z
-- $2 = ca000000-0000-4000-8000-000000000002
SELECT c.id, c.org_id, c.unit_id, c.individual_id, c.federation_id, c.lead_unit_id, c.lead_user_id, c.lead_name,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_EKONOMISKT_BISTAND'::information_class))) THEN c.sgi END AS sgi,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_EKONOMISKT_BISTAND'::information_class))) THEN c.on_forsorjningsstod END AS on_forsorjningsstod,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.health_obstacle END AS health_obstacle,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.care_contact END AS care_contact,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.af_status END AS af_status,
	c.routine_id, c.state, c.opened_at, c.opened_by, CASE WHEN c.org_id = hub_current_org() THEN NULL ELSE (SELECT s.consent_id FROM hub_shares_person(c.individual_id) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM cases c WHERE (false OR EXISTS (SELECT 1 FROM hub_shares_person(c.individual_id))) AND (c.opened_at, c.id) < ($1, $2)
ORDER BY c.opened_at DESC, c.id DESC LIMIT 51;

-- case: samtycken only, of a federation, the first page of 5
-- $1 = f0000000-0000-4000-8000-000000000001
SELECT c.id, c.org_id, c.unit_id, c.individual_id, c.federation_id, c.lead_unit_id, c.lead_user_id, c.lead_name,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_EKONOMISKT_BISTAND'::information_class))) THEN c.sgi END AS sgi,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_EKONOMISKT_BISTAND'::information_class))) THEN c.on_forsorjningsstod END AS on_forsorjningsstod,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.health_obstacle END AS health_obstacle,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.care_contact END AS care_contact,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.af_status END AS af_status,
	c.routine_id, c.state, c.opened_at, c.opened_by, CASE WHEN c.org_id = hub_current_org() THEN NULL ELSE (SELECT s.consent_id FROM hub_shares_person(c.individual_id) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM cases c WHERE (false OR EXISTS (SELECT 1 FROM hub_shares_person(c.individual_id))) AND c.federation_id = $1
ORDER BY c.opened_at DESC, c.id DESC LIMIT 6;

-- case: samtycken only, of a federation, a page of 100 after a cursor
-- $1 = f0000000-0000-4000-8000-000000000001
-- $2 = 2025-03-14T09:30:00Z
-- $3 = ca000000-0000-4000-8000-000000000002
SELECT c.id, c.org_id, c.unit_id, c.individual_id, c.federation_id, c.lead_unit_id, c.lead_user_id, c.lead_name,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_EKONOMISKT_BISTAND'::information_class))) THEN c.sgi END AS sgi,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_EKONOMISKT_BISTAND'::information_class))) THEN c.on_forsorjningsstod END AS on_forsorjningsstod,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.health_obstacle END AS health_obstacle,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.care_contact END AS care_contact,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.af_status END AS af_status,
	c.routine_id, c.state, c.opened_at, c.opened_by, CASE WHEN c.org_id = hub_current_org() THEN NULL ELSE (SELECT s.consent_id FROM hub_shares_person(c.individual_id) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM cases c WHERE (false OR EXISTS (SELECT 1 FROM hub_shares_person(c.individual_id))) AND c.federation_id = $1 AND (c.opened_at, c.id) < ($2, $3)
ORDER BY c.opened_at DESC, c.id DESC LIMIT 101;
