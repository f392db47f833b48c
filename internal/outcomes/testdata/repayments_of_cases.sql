-- What the code renders, written by TestGolden_Outcomes (go test -run '^TestGolden_Outcomes$' -update).

-- case: own organisation and samtycken
-- $1 = [ca000000-0000-4000-8000-000000000001]
SELECT p.id, p.case_id, p.org_id, p.individual_id, p.amount_kronor, p.paid_on, p.recorded_at, p.recorded_by,
	CASE WHEN p.org_id = hub_current_org() THEN NULL ELSE (SELECT s.consent_id FROM hub_shares_class(p.individual_id, 'KOMMUN_EKONOMISKT_BISTAND'::information_class) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM case_repayments p
WHERE p.case_id = ANY($1) AND (p.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(p.individual_id, 'KOMMUN_EKONOMISKT_BISTAND'::information_class)))
ORDER BY p.case_id, p.paid_on, p.id;

-- case: own organisation only
-- $1 = [ca000000-0000-4000-8000-000000000001]
SELECT p.id, p.case_id, p.org_id, p.individual_id, p.amount_kronor, p.paid_on, p.recorded_at, p.recorded_by,
	CASE WHEN p.org_id = hub_current_org() THEN NULL ELSE (SELECT s.consent_id FROM hub_shares_class(p.individual_id, 'KOMMUN_EKONOMISKT_BISTAND'::information_class) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM case_repayments p
WHERE p.case_id = ANY($1) AND (p.org_id = hub_current_org() OR false)
ORDER BY p.case_id, p.paid_on, p.id;

-- case: samtycken only
-- $1 = [ca000000-0000-4000-8000-000000000001]
SELECT p.id, p.case_id, p.org_id, p.individual_id, p.amount_kronor, p.paid_on, p.recorded_at, p.recorded_by,
	CASE WHEN p.org_id = hub_current_org() THEN NULL ELSE (SELECT s.consent_id FROM hub_shares_class(p.individual_id, 'KOMMUN_EKONOMISKT_BISTAND'::information_class) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM case_repayments p
WHERE p.case_id = ANY($1) AND (false OR EXISTS (SELECT 1 FROM hub_shares_class(p.individual_id, 'KOMMUN_EKONOMISKT_BISTAND'::information_class)))
ORDER BY p.case_id, p.paid_on, p.id;
