-- What the code renders, written by TestGolden_Routine (go test -run '^TestGolden_Routine$' -update).

-- case: own organisation and samtycken
-- $1 = [ca000000-0000-4000-8000-000000000001]
SELECT s.case_id, s.org_id, s.individual_id, s.routine_id, s.answers, s.eligible, s.failed, s.screened_at, s.screened_by, s.cohort_id,
	CASE WHEN s.org_id = hub_current_org() THEN NULL ELSE (SELECT s.consent_id FROM hub_shares_class(s.individual_id, 'KOMMUN_EKONOMISKT_BISTAND'::information_class) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM case_screenings s
WHERE s.case_id = ANY($1) AND (s.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(s.individual_id, 'KOMMUN_EKONOMISKT_BISTAND'::information_class)));

-- case: own organisation only
-- $1 = [ca000000-0000-4000-8000-000000000001]
SELECT s.case_id, s.org_id, s.individual_id, s.routine_id, s.answers, s.eligible, s.failed, s.screened_at, s.screened_by, s.cohort_id,
	CASE WHEN s.org_id = hub_current_org() THEN NULL ELSE (SELECT s.consent_id FROM hub_shares_class(s.individual_id, 'KOMMUN_EKONOMISKT_BISTAND'::information_class) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM case_screenings s
WHERE s.case_id = ANY($1) AND (s.org_id = hub_current_org() OR false);

-- case: samtycken only
-- $1 = [ca000000-0000-4000-8000-000000000001]
SELECT s.case_id, s.org_id, s.individual_id, s.routine_id, s.answers, s.eligible, s.failed, s.screened_at, s.screened_by, s.cohort_id,
	CASE WHEN s.org_id = hub_current_org() THEN NULL ELSE (SELECT s.consent_id FROM hub_shares_class(s.individual_id, 'KOMMUN_EKONOMISKT_BISTAND'::information_class) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM case_screenings s
WHERE s.case_id = ANY($1) AND (false OR EXISTS (SELECT 1 FROM hub_shares_class(s.individual_id, 'KOMMUN_EKONOMISKT_BISTAND'::information_class)));
