-- What the code renders, written by TestGolden_Organizations (go test -run '^TestGolden_Organizations$' -update).

-- case: no filter, the first page
-- $1 = 21
SELECT o.id, o.kind, o.name, o.org_number, o.created_at
FROM organizations o
WHERE true
ORDER BY o.name, o.id
LIMIT $1;

-- case: of a kind
-- $1 = "KOMMUN"
-- $2 = 21
SELECT o.id, o.kind, o.name, o.org_number, o.created_at
FROM organizations o
WHERE o.kind = $1::organization_kind
ORDER BY o.name, o.id
LIMIT $2;

-- case: serving a municipality
-- $1 = "1780"
-- $2 = 21
SELECT o.id, o.kind, o.name, o.org_number, o.created_at
FROM organizations o
WHERE EXISTS (
	SELECT 1 FROM organization_municipalities om
	WHERE om.org_id = o.id AND om.municipality_code = $1)
ORDER BY o.name, o.id
LIMIT $2;

-- case: members of a federation today
-- $1 = f0000000-0000-4000-8000-000000000001
-- $2 = 21
SELECT o.id, o.kind, o.name, o.org_number, o.created_at
FROM organizations o
WHERE EXISTS (
	SELECT 1 FROM federation_memberships m
	WHERE m.member_org_id = o.id AND m.federation_id = $1
	  AND m.valid_from <= hub_today() AND (m.valid_to IS NULL OR m.valid_to > hub_today()))
ORDER BY o.name, o.id
LIMIT $2;

-- case: members of a federation on a day
-- $1 = 2025-03-01T00:00:00Z
-- $2 = f0000000-0000-4000-8000-000000000001
-- $3 = 21
SELECT o.id, o.kind, o.name, o.org_number, o.created_at
FROM organizations o
WHERE EXISTS (
	SELECT 1 FROM federation_memberships m
	WHERE m.member_org_id = o.id AND m.federation_id = $2
	  AND m.valid_from <= $1::date AND (m.valid_to IS NULL OR m.valid_to > $1::date))
ORDER BY o.name, o.id
LIMIT $3;

-- case: every filter, after a cursor
-- $1 = "KOMMUN"
-- $2 = "1780"
-- $3 = 2025-03-01T00:00:00Z
-- $4 = f0000000-0000-4000-8000-000000000001
-- $5 = "Karlstads kommun"
-- $6 = 0a000000-0000-4000-8000-000000000002
-- $7 = 51
SELECT o.id, o.kind, o.name, o.org_number, o.created_at
FROM organizations o
WHERE o.kind = $1::organization_kind
  AND EXISTS (
	SELECT 1 FROM organization_municipalities om
	WHERE om.org_id = o.id AND om.municipality_code = $2)
  AND EXISTS (
	SELECT 1 FROM federation_memberships m
	WHERE m.member_org_id = o.id AND m.federation_id = $4
	  AND m.valid_from <= $3::date AND (m.valid_to IS NULL OR m.valid_to > $3::date))
  AND (o.name, o.id) > ($5, $6)
ORDER BY o.name, o.id
LIMIT $7;
