-- name: repayments_of_cases
-- The repayments of the cases $1 that the viewer may see ({{visible}}:
-- the rule for KOMMUN_EKONOMISKT_BISTAND), in the order they were paid;
-- {{allowing_consent}} is the samtycke that lets the viewer see another
-- organisation's.
SELECT p.id, p.case_id, p.org_id, p.individual_id, p.amount_kronor, p.paid_on, p.recorded_at, p.recorded_by,
	{{allowing_consent}} AS consent_id
FROM case_repayments p
WHERE p.case_id = ANY($1) AND {{visible}}
ORDER BY p.case_id, p.paid_on, p.id

-- name: record_repayment
-- Records the repayment $2 of $3 kronor paid on $4 to the own
-- organisation's case $1, by the unit $5 and the user $6 at the request's
-- time. No row: not the organisation's case.
INSERT INTO case_repayments (id, case_id, org_id, individual_id, amount_kronor, paid_on, recorded_at, by_unit_id, recorded_by)
SELECT $2, c.id, c.org_id, c.individual_id, $3, $4, hub_now(), $5, $6
FROM cases c WHERE c.id = $1 AND c.org_id = hub_current_org()
RETURNING id

-- name: reactualisations_of_cases
-- The earlier cases that the cases $1 re-actualise, as far as the viewer
-- may see the link ({{visible}}: the case core's rule).
SELECT x.case_id, x.earlier_case_id, x.earlier_closed_at
FROM case_reactualisations x
WHERE x.case_id = ANY($1) AND {{visible}}
