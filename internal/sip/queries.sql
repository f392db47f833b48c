-- The SQL of SIP and SAMSIP plans (migrations 034, 039). The rule is the one of
-- the row-level security policies, stated in SQL by hub_sip_shares: a plan
-- is the case owner's, and another party reads it only under a samtycke in
-- force that shares the person with it for the purpose SIP. $own and
-- $consented below are the reader's scope (internal/authz: may its roles
-- read plans of the own organisation, and under a samtycke).
-- Loaded by queries.go (see internal/platform/sqlfile).

-- name: plans_of_cases
-- The plans of the cases $1 the reader sees; $2 own, $3 consented. The
-- samtycke named is the lowest that shares the plan (NULL for the owner).
SELECT p.id, p.case_id, p.org_id, p.individual_id, p.kind, p.current_version, p.created_at,
       CASE WHEN p.org_id = hub_current_org() THEN NULL
            ELSE (SELECT min(s.consent_id::text)::uuid FROM hub_sip_shares(p.individual_id) s) END AS consent_id
FROM sip_plans p
WHERE p.case_id = ANY ($1::uuid[])
  AND (($2::boolean AND p.org_id = hub_current_org())
       OR ($3::boolean AND p.org_id <> hub_current_org() AND EXISTS (SELECT 1 FROM hub_sip_shares(p.individual_id))))
ORDER BY p.case_id, p.created_at, p.id

-- name: plans_by_id
-- The plans $1 the reader sees; $2 own, $3 consented (as plans_of_cases).
SELECT p.id, p.case_id, p.org_id, p.individual_id, p.kind, p.current_version, p.created_at,
       CASE WHEN p.org_id = hub_current_org() THEN NULL
            ELSE (SELECT min(s.consent_id::text)::uuid FROM hub_sip_shares(p.individual_id) s) END AS consent_id
FROM sip_plans p
WHERE p.id = ANY ($1::uuid[])
  AND (($2::boolean AND p.org_id = hub_current_org())
       OR ($3::boolean AND p.org_id <> hub_current_org() AND EXISTS (SELECT 1 FROM hub_sip_shares(p.individual_id))))

-- name: versions_of_plans
-- Every version of the plans $1 (which the caller has read under the
-- rule), newest first, with the person's agreement if recorded.
SELECT v.plan_id, v.version, v.goals, v.what_matters, v.overall_org_id, v.overall_unit_id, v.next_follow_up,
       v.participants, v.reason, v.author_org_id, v.author_unit_id, v.author_user_id, v.authored_at,
       a.how AS agreement_how, a.note AS agreement_note, a.recorded_by_org_id AS agreement_org_id,
       a.recorded_by AS agreement_by, a.recorded_at AS agreement_at
FROM sip_plan_versions v
LEFT JOIN sip_plan_agreements a ON a.plan_id = v.plan_id AND a.version = v.version
WHERE v.plan_id = ANY ($1::uuid[])
ORDER BY v.plan_id, v.version DESC

-- name: insatser_of_plans
-- The insatser of every version of the plans $1 the reader sees: all of
-- them for the case owner; for another party ($2 consented) its own (its
-- unit's, or its organisation's when the insats names no unit) and those
-- whose class a samtycke shares with it.
SELECT i.plan_id, i.version, i.position, i.huvudman_org_id, i.huvudman_unit_id, i.class, i.what,
       i.first_activity, i.start_on, i.status
FROM sip_plan_insatser i
WHERE i.plan_id = ANY ($1::uuid[])
  AND (i.org_id = hub_current_org() OR ($2::boolean AND {{party_sees_insats i}}))
ORDER BY i.plan_id, i.version, i.position

-- name: party_sees_insats
-- Whether a party other than the case owner sees the insats {{alias}}
-- (hub_sip_party_sees_insats, migration 039): a samtycke for SIP shares
-- the person with it, and the insats is its own (its unit's, or its
-- organisation's when the insats names no unit) or of a class a samtycke
-- shares with it.
EXISTS (SELECT 1 FROM hub_sip_party_sees_insats({{alias}}.individual_id, {{alias}}.huvudman_org_id,
                                                {{alias}}.huvudman_unit_id, {{alias}}.class))

-- name: parties_shown
-- The parties version $2 of the plan $1 shows the reader: its overall
-- responsibility, and the huvudmän of the insatser the reader sees (as
-- insatser_of_plans, $3 consented).
SELECT v.overall_org_id AS org_id, v.overall_unit_id AS unit_id
FROM sip_plan_versions v WHERE v.plan_id = $1 AND v.version = $2
UNION
SELECT i.huvudman_org_id, i.huvudman_unit_id
FROM sip_plan_insatser i
WHERE i.plan_id = $1 AND i.version = $2
  AND (i.org_id = hub_current_org() OR ($3::boolean AND {{party_sees_insats i}}))

-- name: insert_plan
-- A new plan $1 of the case $2 (owned by $3, about $4), of kind $5, at
-- its first version.
INSERT INTO sip_plans (id, case_id, org_id, individual_id, kind, current_version, created_at)
VALUES ($1, $2, $3, $4, $5, 1, hub_now())
ON CONFLICT (case_id, kind) DO NOTHING

-- name: insert_version
-- Version $2 of the plan $1 (owned by $3, about $4): goals $5, what
-- matters $6, overall responsibility $7/$8, next follow-up $9,
-- participants $10, the reason $11, written by the caller ($12 its unit).
INSERT INTO sip_plan_versions (plan_id, version, org_id, individual_id, goals, what_matters, overall_org_id,
                               overall_unit_id, next_follow_up, participants, reason, author_org_id,
                               author_unit_id, author_user_id, authored_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, hub_current_org(), $12, hub_current_user(), hub_now())

-- name: insert_insats
-- Insats $3 of version $2 of the plan $1 (owned by $4, about $5):
-- huvudman $6/$7, class $8, what $9, first activity $10, start $11,
-- status $12.
INSERT INTO sip_plan_insatser (plan_id, version, position, org_id, individual_id, huvudman_org_id,
                               huvudman_unit_id, class, what, first_activity, start_on, status)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)

-- name: carry_insatser
-- Copy the insatser of version $2 of the plan $1 the caller cannot see
-- into its new version $3, from position $4, the version's next; once
-- (migration 039). It returns nothing.
SELECT hub_sip_carry_insatser($1, $2, $3, $4)

-- name: advance
-- Make $3 the current version of the plan $1 if $2 still is.
UPDATE sip_plans SET current_version = $3 WHERE id = $1 AND current_version = $2

-- name: insert_agreement
-- The person's agreement to version $2 of the plan $1 (owned by $3, about
-- $4): how $5, a note $6, recorded by the caller now.
INSERT INTO sip_plan_agreements (plan_id, version, org_id, individual_id, how, note, recorded_by_org_id,
                                 recorded_by, recorded_at)
VALUES ($1, $2, $3, $4, $5, $6, hub_current_org(), hub_current_user(), hub_now())
ON CONFLICT (plan_id, version) DO NOTHING

-- name: org_kinds
-- The kinds of the organisations $1 (the catalogue; absent: no such).
SELECT id, kind::text AS kind FROM organizations WHERE id = ANY ($1::uuid[])

-- name: unit_orgs
-- The organisations of the units $1.
SELECT id, org_id FROM units WHERE id = ANY ($1::uuid[])

-- name: named_for_sip
-- A samtycke in force for the person $1 that names the organisation $2
-- (or its unit $3) for the purpose SIP (hub_sip_samtycke, migration 039);
-- NULL if none. A caller that does not own the case asks only about its
-- own organisation or a party the current version of its plan $4 shows it
-- (parties_shown); anything else is refused.
SELECT hub_sip_samtycke($1, $2, $3, $4)

-- name: owner_sip_samtycke
-- A samtycke of the caller's organisation for the person $1, in force
-- today for the purpose SIP, that is a secrecy waiver (OSL); NULL if none.
SELECT s.consent_id FROM hub_sip_owner_samtycke($1) s ORDER BY s.consent_id LIMIT 1
