-- The SQL of samtycken: recording and revoking them, reading them with
-- their grants, and announcing changes. The sharing rule itself is not
-- here: rule.go renders it into the statements that need it. Loaded by
-- queries.go (see internal/platform/sqlfile).

-- Recording and revoking.

-- name: record_consent
-- Records the samtycke $1 for the own organisation's individual $2 (no
-- row: no such individual): kind $3, purposes $4, given by $5
-- (representative $6), valid $7–$8, evidence $9 (form $10, witness $11),
-- requested by $12, registered by $13 ($14 the name), at the request's
-- time.
INSERT INTO consents (id, org_id, individual_id, kind, purposes, given_by, representative_name,
	valid_from, valid_until, evidence, form_reference, witnessed_by, requested_by_org_id, registered_at, registered_by, registered_by_name)
SELECT $1, i.org_id, i.id, $3::text::consent_kind, $4::text[]::consent_purpose[], $5, $6, $7, $8, $9, $10, $11, $12, hub_now(), $13, $14
FROM individuals i WHERE i.id = $2 AND i.org_id = hub_current_org()
RETURNING registered_at

-- name: record_consent_grants
-- The grants of the samtycke $1: one per element of the arrays of
-- grantee organisations $2, units $3 and class array literals $4.
INSERT INTO consent_grants (consent_id, org_id, individual_id, grantee_org_id, grantee_unit_id, classes, kind, purposes, valid_from, valid_until)
SELECT c.id, c.org_id, c.individual_id, g.org_id, g.unit_id, g.classes::information_class[], c.kind, c.purposes, c.valid_from, c.valid_until
FROM consents c, unnest($2::uuid[], $3::uuid[], $4::text[]) AS g(org_id, unit_id, classes)
WHERE c.id = $1

-- name: grantee_kinds
-- The kind of each organisation among $1 (unit NULL), and the organisation
-- of each unit among $2 (kind '').
SELECT o.id, o.kind::text, NULL::uuid FROM organizations o WHERE o.id = ANY($1)
UNION ALL SELECT u.org_id, '', u.id FROM units u WHERE u.id = ANY($2)

-- name: revoke_consent
-- Revokes the own organisation's samtycke $1 by $2 for the reason $3, and
-- its grants with it: whether it was found, whether this revoked it (not
-- already revoked), and how many grants went out of force.
WITH target AS (
	SELECT id, revoked_at FROM consents WHERE id = $1 AND org_id = hub_current_org()
), revoked AS (
	UPDATE consents c SET revoked_at = hub_now(), revoked_by = $2, revocation_reason = $3
	FROM target t WHERE c.id = t.id AND c.revoked_at IS NULL
	RETURNING c.id
), grants AS (
	UPDATE consent_grants g SET revoked_at = hub_now() FROM revoked r WHERE g.consent_id = r.id
	RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM target), EXISTS (SELECT 1 FROM revoked), (SELECT count(*) FROM grants)

-- Reading.

-- name: consent_columns
-- A Consent, from consents c joined with its individual i. The legal
-- representative's name (a relative, often) of a person with skyddade
-- personuppgifter is hidden outside the owning unit.
c.id, c.org_id, c.individual_id, c.kind, c.purposes::text[] AS purposes, c.given_by,
	CASE WHEN NOT i.protected_identity OR i.unit_id IS NOT DISTINCT FROM hub_current_unit() THEN c.representative_name END AS representative_name,
	c.valid_from, c.valid_until, c.evidence, c.form_reference, c.witnessed_by, c.requested_by_org_id,
	c.registered_at, c.registered_by, c.registered_by_name, c.revoked_at, c.revoked_by, c.revocation_reason

-- name: consents_by_id
-- The own organisation's samtycken among the ids $1.
SELECT {{consent_columns}}
FROM consents c JOIN individuals i ON i.id = c.individual_id
WHERE c.id = ANY($1) AND c.org_id = hub_current_org()

-- name: consents_for_individuals
-- The samtycken of the own organisation's individuals $1, newest first.
SELECT {{consent_columns}}
FROM consents c JOIN individuals i ON i.id = c.individual_id
WHERE c.individual_id = ANY($1) AND c.org_id = hub_current_org()
ORDER BY c.registered_at DESC, c.id

-- name: consent_grants
-- The grants of the own organisation's samtycken $1.
SELECT g.consent_id, g.grantee_org_id, g.grantee_unit_id, g.classes::text[]
FROM consent_grants g WHERE g.consent_id = ANY($1) AND g.org_id = hub_current_org()
ORDER BY g.consent_id, g.grantee_org_id, g.grantee_unit_id NULLS FIRST

-- name: shares_person_with
-- Whether the samtycke $1, for the individual $2, is in force for the
-- transaction's principal and shares the person (a secrecy waiver).
SELECT EXISTS (SELECT 1 FROM consent_grants_in_force g
	WHERE g.consent_id = $1 AND g.individual_id = $2 AND g.shares_person)

-- Announcements.

-- name: announce
-- Announces the event $2 (JSON, ids only) on the channel $1, at commit.
SELECT pg_notify($1, $2)

-- name: grantees_in_force
-- Whom the samtycken in force today for the own organisation's person $1
-- name for the purpose $2: the organisations and units of their grants
-- (a secrecy waiver or, for care, PDL; UPPFOLJNING names no one).
SELECT DISTINCT g.grantee_org_id, g.grantee_unit_id
FROM consent_grants g
WHERE g.individual_id = $1 AND g.org_id = hub_current_org() AND g.revoked_at IS NULL
	AND g.kind IN ('OSL_SEKRETESSBRYTANDE', 'PDL_SAMMANHALLEN_JOURNALFORING')
	AND $2::text::consent_purpose = ANY (g.purposes)
	AND g.valid_from <= hub_today() AND hub_today() <= g.valid_until
ORDER BY 1, 2
