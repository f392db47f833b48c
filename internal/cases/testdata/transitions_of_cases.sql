-- What the code renders, written by TestGolden_Routine (go test -run '^TestGolden_Routine$' -update).

-- case: own organisation and samtycken
-- $1 = [ca000000-0000-4000-8000-000000000001]
SELECT t.id, t.case_id, t.org_id, t.individual_id, t.routine_id, t.from_state, t.to_state, t.at, t.by_unit_id, t.by_user_id,
	d.shown AS details_visible,
	CASE WHEN d.shown THEN t.reason END AS reason,
	CASE WHEN d.shown THEN t.parties ELSE '[]' END AS parties,
	CASE WHEN d.shown THEN t.routes ELSE '{}' END AS routes,
	CASE WHEN d.shown THEN t.closure_reason END AS closure_reason,
	CASE WHEN d.shown THEN t.outcome END AS outcome,
	CASE WHEN d.shown THEN t.wait_what END AS wait_what,
	CASE WHEN d.shown THEN t.wait_until END AS wait_until,
	CASE WHEN d.shown THEN t.decision_forum END AS decision_forum,
	CASE WHEN d.shown THEN t.decided_on END AS decided_on,
	CASE WHEN d.shown THEN t.benefit_kind END AS benefit_kind,
	CASE WHEN d.shown THEN t.benefit_from END AS benefit_from,
	CASE WHEN t.org_id = hub_current_org() THEN NULL ELSE (SELECT s.consent_id FROM hub_shares_person(t.individual_id) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM case_transitions t
CROSS JOIN LATERAL (SELECT (t.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(t.individual_id, 'KOMMUN_PLANERING'::information_class))) AS shown OFFSET 0) d
WHERE t.case_id = ANY($1) AND (t.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_person(t.individual_id)))
ORDER BY t.case_id, t.at, t.id;

-- case: own organisation only
-- $1 = [ca000000-0000-4000-8000-000000000001]
SELECT t.id, t.case_id, t.org_id, t.individual_id, t.routine_id, t.from_state, t.to_state, t.at, t.by_unit_id, t.by_user_id,
	d.shown AS details_visible,
	CASE WHEN d.shown THEN t.reason END AS reason,
	CASE WHEN d.shown THEN t.parties ELSE '[]' END AS parties,
	CASE WHEN d.shown THEN t.routes ELSE '{}' END AS routes,
	CASE WHEN d.shown THEN t.closure_reason END AS closure_reason,
	CASE WHEN d.shown THEN t.outcome END AS outcome,
	CASE WHEN d.shown THEN t.wait_what END AS wait_what,
	CASE WHEN d.shown THEN t.wait_until END AS wait_until,
	CASE WHEN d.shown THEN t.decision_forum END AS decision_forum,
	CASE WHEN d.shown THEN t.decided_on END AS decided_on,
	CASE WHEN d.shown THEN t.benefit_kind END AS benefit_kind,
	CASE WHEN d.shown THEN t.benefit_from END AS benefit_from,
	CASE WHEN t.org_id = hub_current_org() THEN NULL ELSE (SELECT s.consent_id FROM hub_shares_person(t.individual_id) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM case_transitions t
CROSS JOIN LATERAL (SELECT (t.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(t.individual_id, 'KOMMUN_PLANERING'::information_class))) AS shown OFFSET 0) d
WHERE t.case_id = ANY($1) AND (t.org_id = hub_current_org() OR false)
ORDER BY t.case_id, t.at, t.id;

-- case: samtycken only
-- $1 = [ca000000-0000-4000-8000-000000000001]
SELECT t.id, t.case_id, t.org_id, t.individual_id, t.routine_id, t.from_state, t.to_state, t.at, t.by_unit_id, t.by_user_id,
	d.shown AS details_visible,
	CASE WHEN d.shown THEN t.reason END AS reason,
	CASE WHEN d.shown THEN t.parties ELSE '[]' END AS parties,
	CASE WHEN d.shown THEN t.routes ELSE '{}' END AS routes,
	CASE WHEN d.shown THEN t.closure_reason END AS closure_reason,
	CASE WHEN d.shown THEN t.outcome END AS outcome,
	CASE WHEN d.shown THEN t.wait_what END AS wait_what,
	CASE WHEN d.shown THEN t.wait_until END AS wait_until,
	CASE WHEN d.shown THEN t.decision_forum END AS decision_forum,
	CASE WHEN d.shown THEN t.decided_on END AS decided_on,
	CASE WHEN d.shown THEN t.benefit_kind END AS benefit_kind,
	CASE WHEN d.shown THEN t.benefit_from END AS benefit_from,
	CASE WHEN t.org_id = hub_current_org() THEN NULL ELSE (SELECT s.consent_id FROM hub_shares_person(t.individual_id) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM case_transitions t
CROSS JOIN LATERAL (SELECT (t.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(t.individual_id, 'KOMMUN_PLANERING'::information_class))) AS shown OFFSET 0) d
WHERE t.case_id = ANY($1) AND (false OR EXISTS (SELECT 1 FROM hub_shares_person(t.individual_id)))
ORDER BY t.case_id, t.at, t.id;
