-- What the code renders, written by TestGolden_Outcomes (go test -run '^TestGolden_Outcomes$' -update).

-- case: own organisation and samtycken
-- $1 = [ca000000-0000-4000-8000-000000000001]
SELECT x.case_id, x.earlier_case_id, x.earlier_closed_at
FROM case_reactualisations x
WHERE x.case_id = ANY($1) AND (x.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_person(x.individual_id)));

-- case: own organisation only
-- $1 = [ca000000-0000-4000-8000-000000000001]
SELECT x.case_id, x.earlier_case_id, x.earlier_closed_at
FROM case_reactualisations x
WHERE x.case_id = ANY($1) AND (x.org_id = hub_current_org() OR false);

-- case: samtycken only
-- $1 = [ca000000-0000-4000-8000-000000000001]
SELECT x.case_id, x.earlier_case_id, x.earlier_closed_at
FROM case_reactualisations x
WHERE x.case_id = ANY($1) AND (false OR EXISTS (SELECT 1 FROM hub_shares_person(x.individual_id)));
