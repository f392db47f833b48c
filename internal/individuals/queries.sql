-- The SQL of individuals: the people a municipality works with. Who may see
-- a person is the consent package's rule, which the Go code renders into
-- the holes {{visible}} and {{allowing_consent}}; {{hole}} is otherwise a
-- fragment of this file. Loaded by queries.go (see
-- internal/platform/sqlfile).

-- name: identity_shown
-- Whether the viewer sees the name and number of the person i: not
-- protected (skyddade personuppgifter), or the viewer is in the owning unit
-- of the owning organisation.
(NOT i.protected_identity OR (i.org_id = hub_current_org() AND i.unit_id IS NOT DISTINCT FROM hub_current_unit()))

-- name: individual_columns
-- What the viewer may see of the person i: name and sealed number only
-- when the identity is shown; {{allowing_consent}} is the samtycke that lets
-- the viewer see a person of another organisation (NULL for the own).
i.id, i.org_id, i.unit_id, i.handle, i.protected_identity, i.number_kind, i.registered_at,
	{{identity_shown}} AS shown,
	CASE WHEN {{identity_shown}} THEN i.given_name END AS given_name,
	CASE WHEN {{identity_shown}} THEN i.family_name END AS family_name,
	CASE WHEN {{identity_shown}} THEN i.number_sealed END AS number_sealed,
	i.number_key_id,
	{{allowing_consent}} AS consent_id

-- name: register_individual
-- Registers the person $1 in the unit $2 of the own organisation (nothing
-- when the unit is another's): number kind $3, blind index $4, sealed
-- number $5 with key $6, names $7 and $8, protected $9, handle $10,
-- registered by $11.
INSERT INTO individuals (id, org_id, unit_id, number_kind, number_index, number_sealed, number_key_id,
	given_name, family_name, protected_identity, handle, registered_at, registered_by)
SELECT $1, u.org_id, u.id, $3, $4, $5, $6, $7, $8, $9, $10, hub_now(), $11
FROM units u WHERE u.id = $2 AND u.org_id = hub_current_org()

-- name: individuals_by_id
-- The people among the ids $1 whom the viewer may see ({{visible}}).
SELECT {{individual_columns}}
FROM individuals i
WHERE i.id = ANY($1) AND {{visible}}

-- name: individual_by_number
-- The person with the blind index $1 whom the viewer may see with their
-- identity: the own organisation's registration first, else the newest
-- shared one.
SELECT {{individual_columns}}
FROM individuals i
WHERE i.number_index = $1 AND {{visible}}
  AND {{identity_shown}}
ORDER BY i.org_id = hub_current_org() DESC, i.registered_at DESC, i.id
LIMIT 1

-- name: list_individuals
-- One page of the people the viewer may see, newest registration first:
-- $1 is the page size plus one; {{after}} is true on the first page, else
-- the cursor's condition on $2, $3.
SELECT {{individual_columns}}
FROM individuals i
WHERE {{visible}} AND {{after}}
ORDER BY i.registered_at DESC, i.id DESC LIMIT $1

-- name: count_individuals
-- The people the viewer may see, as rows to count (Count bounds the count:
-- page.BoundedCount).
SELECT 1 FROM individuals i WHERE {{visible}}

-- Re-sealing numbers with the active key (Rekey, as the owner).

-- name: rekey_organizations
-- The organisations (id, kind) some of whose people's numbers are not
-- sealed with the key $1, in id order.
SELECT o.id, o.kind::text FROM organizations o
WHERE EXISTS (SELECT 1 FROM individuals i WHERE i.org_id = o.id AND i.number_key_id <> $1)
ORDER BY o.id

-- name: rekey_batch
-- The next $2 people of organisation $3 whose number is not sealed with the
-- key $1, locked, after the position ($4, $5) in the order of the index
-- individuals_org_registered: newest registration first, so that each
-- batch continues where the one before it stopped instead of scanning the
-- numbers already re-sealed again.
SELECT id, number_key_id, number_sealed, registered_at FROM individuals
WHERE org_id = $3 AND (registered_at, id) < ($4, $5) AND number_key_id <> $1
ORDER BY registered_at DESC, id DESC LIMIT $2 FOR UPDATE

-- name: rekey_update
-- Stores the numbers $2 of the people $1, sealed with the key $3.
UPDATE individuals i SET number_sealed = x.sealed, number_key_id = $3
FROM unnest($1::uuid[], $2::bytea[]) AS x(id, sealed) WHERE i.id = x.id
