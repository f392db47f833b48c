-- What the code renders, written by TestGolden_Organizations (go test -run '^TestGolden_Organizations$' -update).

-- case: no filter, the first page
SELECT count(*) FROM organizations o WHERE true;

-- case: of a kind
-- $1 = "KOMMUN"
SELECT count(*) FROM organizations o WHERE o.kind = $1::organization_kind;

-- case: serving a municipality
-- $1 = "1780"
SELECT count(*) FROM organizations o WHERE EXISTS (
	SELECT 1 FROM organization_municipalities om
	WHERE om.org_id = o.id AND om.municipality_code = $1);

-- case: members of a federation today
-- $1 = f0000000-0000-4000-8000-000000000001
SELECT count(*) FROM organizations o WHERE EXISTS (
	SELECT 1 FROM federation_memberships m
	WHERE m.member_org_id = o.id AND m.federation_id = $1
	  AND m.valid_from <= hub_today() AND (m.valid_to IS NULL OR m.valid_to > hub_today()));

-- case: members of a federation on a day
-- $1 = 2025-03-01T00:00:00Z
-- $2 = f0000000-0000-4000-8000-000000000001
SELECT count(*) FROM organizations o WHERE EXISTS (
	SELECT 1 FROM federation_memberships m
	WHERE m.member_org_id = o.id AND m.federation_id = $2
	  AND m.valid_from <= $1::date AND (m.valid_to IS NULL OR m.valid_to > $1::date));
