-- What the code renders, written by TestGolden_Individuals (go test -run '^TestGolden_Individuals$' -update).

-- case: own organisation and samtycken
SELECT count(*) FROM (SELECT 1 FROM individuals i WHERE (i.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM consent_grants_in_force g WHERE g.individual_id = i.id AND g.shares_person OFFSET 0)) LIMIT 1000) counted;

-- case: own organisation only
SELECT count(*) FROM (SELECT 1 FROM individuals i WHERE (i.org_id = hub_current_org() OR false) LIMIT 1000) counted;

-- case: samtycken only
SELECT count(*) FROM (SELECT 1 FROM individuals i WHERE (false OR EXISTS (SELECT 1 FROM consent_grants_in_force g WHERE g.individual_id = i.id AND g.shares_person OFFSET 0)) LIMIT 1000) counted;
