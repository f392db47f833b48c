-- The SQL of identity: the OIDC issuers organisations register, and what
-- authentication checks of the organisation and unit a token claims.
-- Loaded by queries.go (see internal/platform/sqlfile).

-- name: register_issuer
-- Records that organisation $1 trusts the issuer $2 for the audience $3
-- (key set $4, claims $5–$9), or updates the registration.
INSERT INTO identity_issuers
	(org_id, issuer_url, audience, jwks_url, user_claim, name_claim, org_claim, unit_claim, roles_claim)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (org_id, issuer_url) DO UPDATE SET audience = excluded.audience, jwks_url = excluded.jwks_url,
	user_claim = excluded.user_claim, name_claim = excluded.name_claim, org_claim = excluded.org_claim,
	unit_claim = excluded.unit_claim, roles_claim = excluded.roles_claim

-- name: issuers_by_url
-- Every registration of the issuer URL $1.
SELECT id, org_id, issuer_url, audience, jwks_url,
	user_claim, name_claim, org_claim, unit_claim, roles_claim
FROM identity_issuers WHERE issuer_url = $1 ORDER BY org_id

-- name: organization_by_number
-- The organisation among $1 whose organisationsnummer is $2, and whether
-- the unit $3 (if not NULL) is one of its units.
SELECT o.id AS org_id, o.kind, o.org_number,
	($3::uuid IS NULL OR EXISTS (SELECT 1 FROM units u WHERE u.id = $3 AND u.org_id = o.id)) AS unit_ok
FROM organizations o WHERE o.id = ANY($1) AND o.org_number = $2

-- name: organization_by_id
-- The organisation $1, and whether the unit $2 (if not NULL) is one of its
-- units.
SELECT o.id AS org_id, o.kind, o.org_number,
	($2::uuid IS NULL OR EXISTS (SELECT 1 FROM units u WHERE u.id = $2 AND u.org_id = o.id)) AS unit_ok
FROM organizations o WHERE o.id = $1

-- name: register_client_origin
-- Records that organisation $1's client $2 runs on the web origin $3.
INSERT INTO identity_client_origins (org_id, client_id, origin) VALUES ($1, $2, $3)
ON CONFLICT DO NOTHING

-- name: remove_client_origin
-- Forgets that organisation $1's client $2 runs on the web origin $3.
DELETE FROM identity_client_origins WHERE org_id = $1 AND client_id = $2 AND origin = $3

-- name: client_origins
-- Every registered origin, with its organisation and client.
SELECT org_id, client_id, origin FROM identity_client_origins ORDER BY origin, org_id, client_id
