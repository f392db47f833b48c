-- What the code renders, written by TestGolden_CasesByID (go test -run '^TestGolden_CasesByID$' -update).

-- case: own organisation and samtycken
-- $1 = [ca000000-0000-4000-8000-000000000001]
SELECT c.id, c.org_id, c.unit_id, c.individual_id, c.federation_id, c.lead_unit_id, c.lead_user_id, c.lead_name,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_EKONOMISKT_BISTAND'::information_class))) THEN c.sgi END AS sgi,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_EKONOMISKT_BISTAND'::information_class))) THEN c.on_forsorjningsstod END AS on_forsorjningsstod,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.health_obstacle END AS health_obstacle,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.care_contact END AS care_contact,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.af_status END AS af_status,
	c.routine_id, c.state, c.opened_at, c.opened_by, CASE WHEN c.org_id = hub_current_org() THEN NULL ELSE (SELECT s.consent_id FROM hub_shares_person(c.individual_id) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM cases c WHERE (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_person(c.individual_id))) AND c.individual_id = ANY($1)
ORDER BY c.opened_at DESC, c.id DESC;

-- case: own organisation only
-- $1 = [ca000000-0000-4000-8000-000000000001]
SELECT c.id, c.org_id, c.unit_id, c.individual_id, c.federation_id, c.lead_unit_id, c.lead_user_id, c.lead_name,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_EKONOMISKT_BISTAND'::information_class))) THEN c.sgi END AS sgi,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_EKONOMISKT_BISTAND'::information_class))) THEN c.on_forsorjningsstod END AS on_forsorjningsstod,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.health_obstacle END AS health_obstacle,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.care_contact END AS care_contact,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.af_status END AS af_status,
	c.routine_id, c.state, c.opened_at, c.opened_by, CASE WHEN c.org_id = hub_current_org() THEN NULL ELSE (SELECT s.consent_id FROM hub_shares_person(c.individual_id) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM cases c WHERE (c.org_id = hub_current_org() OR false) AND c.individual_id = ANY($1)
ORDER BY c.opened_at DESC, c.id DESC;

-- case: samtycken only
-- $1 = [ca000000-0000-4000-8000-000000000001]
SELECT c.id, c.org_id, c.unit_id, c.individual_id, c.federation_id, c.lead_unit_id, c.lead_user_id, c.lead_name,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_EKONOMISKT_BISTAND'::information_class))) THEN c.sgi END AS sgi,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_EKONOMISKT_BISTAND'::information_class))) THEN c.on_forsorjningsstod END AS on_forsorjningsstod,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.health_obstacle END AS health_obstacle,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.care_contact END AS care_contact,
	CASE WHEN (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class))) THEN c.af_status END AS af_status,
	c.routine_id, c.state, c.opened_at, c.opened_by, CASE WHEN c.org_id = hub_current_org() THEN NULL ELSE (SELECT s.consent_id FROM hub_shares_person(c.individual_id) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM cases c WHERE (false OR EXISTS (SELECT 1 FROM hub_shares_person(c.individual_id))) AND c.individual_id = ANY($1)
ORDER BY c.opened_at DESC, c.id DESC;
