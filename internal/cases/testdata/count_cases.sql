-- What the code renders, written by TestGolden_ListCases (go test -run '^TestGolden_ListCases$' -update).

-- case: own organisation and samtycken, all
SELECT count(*) FROM (SELECT 1 FROM cases c WHERE (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_person(c.individual_id))) LIMIT 1000) counted;

-- case: own organisation and samtycken, of a federation
-- $1 = f0000000-0000-4000-8000-000000000001
SELECT count(*) FROM (SELECT 1 FROM cases c WHERE (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_person(c.individual_id))) AND c.federation_id = $1 LIMIT 1000) counted;

-- case: own organisation only, all
SELECT count(*) FROM (SELECT 1 FROM cases c WHERE (c.org_id = hub_current_org() OR false) LIMIT 1000) counted;

-- case: own organisation only, of a federation
-- $1 = f0000000-0000-4000-8000-000000000001
SELECT count(*) FROM (SELECT 1 FROM cases c WHERE (c.org_id = hub_current_org() OR false) AND c.federation_id = $1 LIMIT 1000) counted;

-- case: samtycken only, all
SELECT count(*) FROM (SELECT 1 FROM cases c WHERE (false OR EXISTS (SELECT 1 FROM hub_shares_person(c.individual_id))) LIMIT 1000) counted;

-- case: samtycken only, of a federation
-- $1 = f0000000-0000-4000-8000-000000000001
SELECT count(*) FROM (SELECT 1 FROM cases c WHERE (false OR EXISTS (SELECT 1 FROM hub_shares_person(c.individual_id))) AND c.federation_id = $1 LIMIT 1000) counted;
