-- What the code renders, written by TestGolden_PartiesAndItems (go test -run '^TestGolden_PartiesAndItems$' -update).

-- case: own organisation and samtycken
-- $1 = [ca000000-0000-4000-8000-000000000001]
SELECT p.case_id, p.participant_org_id, p.participant_unit_id, p.added_at
FROM case_participants p WHERE p.case_id = ANY($1)
  AND (p.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(p.individual_id, 'KOMMUN_PLANERING'::information_class)))
ORDER BY p.case_id, p.added_at, p.participant_org_id;

-- case: own organisation only
-- $1 = [ca000000-0000-4000-8000-000000000001]
SELECT p.case_id, p.participant_org_id, p.participant_unit_id, p.added_at
FROM case_participants p WHERE p.case_id = ANY($1)
  AND (p.org_id = hub_current_org() OR false)
ORDER BY p.case_id, p.added_at, p.participant_org_id;

-- case: samtycken only
-- $1 = [ca000000-0000-4000-8000-000000000001]
SELECT p.case_id, p.participant_org_id, p.participant_unit_id, p.added_at
FROM case_participants p WHERE p.case_id = ANY($1)
  AND (false OR EXISTS (SELECT 1 FROM hub_shares_class(p.individual_id, 'KOMMUN_PLANERING'::information_class)))
ORDER BY p.case_id, p.added_at, p.participant_org_id;
