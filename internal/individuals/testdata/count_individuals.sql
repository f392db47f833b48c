-- What the code renders, written by TestGolden_Individuals (go test -run '^TestGolden_Individuals$' -update).

-- case: own organisation and samtycken
SELECT count(*) FROM (SELECT 1 FROM individuals i WHERE (i.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_person(i.id))) LIMIT 1000) counted;

-- case: own organisation only
SELECT count(*) FROM (SELECT 1 FROM individuals i WHERE (i.org_id = hub_current_org() OR false) LIMIT 1000) counted;

-- case: samtycken only
SELECT count(*) FROM (SELECT 1 FROM individuals i WHERE (false OR EXISTS (SELECT 1 FROM hub_shares_person(i.id))) LIMIT 1000) counted;
