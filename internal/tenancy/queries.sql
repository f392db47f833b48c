-- The SQL of the tenancy package: organisations, their units and the
-- municipalities they serve, federations and their memberships, and the
-- reference data of counties and municipalities. Loaded by queries.go;
-- {{hole}} is a fragment of this file or, where none is named so, a part
-- the Go code fills (see internal/platform/sqlfile).

-- Column lists, one per type.

-- name: organization_columns
-- An Organization, from organizations o.
o.id, o.kind, o.name, o.org_number, o.created_at

-- name: municipality_columns
-- A Municipality, from municipalities mu joined with counties c.
mu.code, mu.name, mu.county_code, c.name AS county_name

-- name: unit_columns
-- A Unit, from units u.
u.id, u.org_id, u.parent_id, u.kind, u.name

-- name: federation_columns
-- A Federation, from federations f.
f.id, f.org_id, f.name, f.created_at

-- name: membership_columns
-- A Membership, from federation_memberships m.
m.id, m.federation_id, m.member_org_id, m.valid_from, m.valid_to

-- Organisations.

-- name: list_organizations
-- One page of organisations, by name. {{where}} is the filter and the
-- cursor (OrganizationFilter.where, ListOrganizations), {{limit}} the
-- parameter of the page size plus one: their numbers depend on the filter.
SELECT {{organization_columns}}
FROM organizations o
WHERE {{where}}
ORDER BY o.name, o.id
LIMIT {{limit}}

-- name: count_organizations
-- The organisations matching a filter ({{where}}: OrganizationFilter.where).
SELECT count(*) FROM organizations o WHERE {{where}}

-- name: organizations_by_id
-- The organisations among the ids $1.
SELECT {{organization_columns}}
FROM organizations o WHERE o.id = ANY($1)

-- name: municipalities_by_organization
-- The municipalities each organisation among $1 serves, by code.
SELECT om.org_id AS owner_id, {{municipality_columns}}
FROM organization_municipalities om
JOIN municipalities mu ON mu.code = om.municipality_code
JOIN counties c ON c.code = mu.county_code
WHERE om.org_id = ANY($1)
ORDER BY om.org_id, mu.code

-- Units.

-- name: municipalities_by_unit
-- The municipalities each unit among $1 serves, by code.
SELECT um.unit_id AS owner_id, {{municipality_columns}}
FROM unit_municipalities um
JOIN municipalities mu ON mu.code = um.municipality_code
JOIN counties c ON c.code = mu.county_code
WHERE um.unit_id = ANY($1)
ORDER BY um.unit_id, mu.code

-- name: units_by_organization
-- All units of the organisations $1, by name.
SELECT {{unit_columns}}
FROM units u WHERE u.org_id = ANY($1)
ORDER BY u.org_id, u.name, u.id

-- name: units_by_parent
-- The direct children of the units $1, by name.
SELECT {{unit_columns}}
FROM units u WHERE u.parent_id = ANY($1)
ORDER BY u.parent_id, u.name, u.id

-- name: units_by_id
-- The units among the ids $1.
SELECT {{unit_columns}} FROM units u WHERE u.id = ANY($1)

-- Municipalities.

-- name: municipality_by_code
-- The municipality with the kommunkod $1, if any.
SELECT {{municipality_columns}}
FROM municipalities mu JOIN counties c ON c.code = mu.county_code
WHERE mu.code = $1

-- Federations and memberships.

-- name: list_federations
-- One page of federations by name: $1 is the page size plus one; {{after}}
-- is true on the first page, else the cursor's condition on $2, $3.
SELECT {{federation_columns}}
FROM federations f
WHERE {{after}}
ORDER BY f.name, f.id
LIMIT $1

-- name: count_federations
SELECT count(*) FROM federations

-- name: federations_by_id
-- The federations among the ids $1.
SELECT {{federation_columns}} FROM federations f WHERE f.id = ANY($1)

-- name: memberships_by_federation
-- The membership periods of the federations $1, by member name and start.
SELECT {{membership_columns}}
FROM federation_memberships m
JOIN organizations o ON o.id = m.member_org_id
WHERE m.federation_id = ANY($1)
ORDER BY m.federation_id, o.name, m.valid_from

-- name: memberships_by_member
-- The memberships of the organisations $1, by federation name and start.
SELECT {{membership_columns}}
FROM federation_memberships m
JOIN federations f ON f.id = m.federation_id
WHERE m.member_org_id = ANY($1)
ORDER BY m.member_org_id, f.name, m.valid_from

-- name: municipalities_by_federation
-- The municipalities whose kommun is a member of each federation among $1
-- on the day $2, by code.
SELECT DISTINCT m.federation_id AS owner_id, {{municipality_columns}}
FROM federation_memberships m
JOIN organizations o ON o.id = m.member_org_id AND o.kind = 'KOMMUN'
JOIN organization_municipalities om ON om.org_id = o.id
JOIN municipalities mu ON mu.code = om.municipality_code
JOIN counties c ON c.code = mu.county_code
WHERE m.federation_id = ANY($1)
  AND m.valid_from <= $2::date AND (m.valid_to IS NULL OR m.valid_to > $2::date)
ORDER BY m.federation_id, mu.code

-- Writes (the demo seed and the catalogue's administration).

-- name: upsert_organization
-- Creates the organisation $1 (kind $2, name $3, number $4) or updates it.
INSERT INTO organizations (id, kind, name, org_number)
VALUES ($1, $2, $3, $4)
ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name = excluded.name, org_number = excluded.org_number

-- name: delete_other_organization_municipalities
-- Removes the municipalities of organisation $1 that are not among $2.
DELETE FROM organization_municipalities
WHERE org_id = $1 AND NOT (municipality_code = ANY($2))

-- name: add_organization_municipalities
-- Adds the municipalities $2 to organisation $1.
INSERT INTO organization_municipalities (org_id, municipality_code)
SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING

-- name: upsert_unit
-- Creates the unit $1 of organisation $2 (parent $3, kind $4, name $5) or
-- updates it.
INSERT INTO units (id, org_id, parent_id, kind, name)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (id) DO UPDATE SET parent_id = excluded.parent_id, kind = excluded.kind, name = excluded.name

-- name: delete_other_unit_municipalities
-- Removes the municipalities of unit $1 that are not among $2.
DELETE FROM unit_municipalities
WHERE unit_id = $1 AND NOT (municipality_code = ANY($2))

-- name: add_unit_municipalities
-- Adds the municipalities $3 to unit $2 of organisation $1.
INSERT INTO unit_municipalities (org_id, unit_id, municipality_code)
SELECT $1, $2, unnest($3::text[]) ON CONFLICT DO NOTHING

-- name: upsert_federation
-- Creates the federation $1 of the förbund $2 named $3, or renames it.
INSERT INTO federations (id, org_id, name) VALUES ($1, $2, $3)
ON CONFLICT (id) DO UPDATE SET name = excluded.name

-- name: upsert_membership
-- Creates the membership $1 of organisation $3 in federation $2 over
-- [$4, $5), or updates its dates.
INSERT INTO federation_memberships (id, org_id, federation_id, member_org_id, valid_from, valid_to)
SELECT $1, f.org_id, f.id, $3, $4, $5 FROM federations f WHERE f.id = $2
ON CONFLICT (id) DO UPDATE SET valid_from = excluded.valid_from, valid_to = excluded.valid_to

-- name: upsert_county
-- Records the county $1 named $2.
INSERT INTO counties (code, name) VALUES ($1, $2)
ON CONFLICT (code) DO UPDATE SET name = excluded.name

-- name: upsert_municipality
-- Records the municipality $1 named $2 in county $3.
INSERT INTO municipalities (code, name, county_code) VALUES ($1, $2, $3)
ON CONFLICT (code) DO UPDATE SET name = excluded.name, county_code = excluded.county_code
