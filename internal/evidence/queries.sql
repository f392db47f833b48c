-- name: checklist_of_cases
-- The evidence checklist of the cases $1: one row per case and kind of
-- the checklist (the kinds $2 with their classes $3, in order $4), the
-- kind's item or MISSING when none is recorded. A case shows only to a
-- viewer who may see it ({{case_visible}}: the case core's rule) and a kind
-- only when its class is the viewer's to see ({{class_visible}});
-- {{allowing_consent}} is the samtycke that lets the viewer see another
-- organisation's item.
SELECT c.id AS case_id, c.org_id, c.individual_id, k.kind, k.class::text AS class,
	coalesce(e.status, 'MISSING') AS status, e.task_id, e.holder_org_id, e.received_on, e.waiver_reason,
	e.requested_at, e.requested_by, e.updated_at, e.updated_by_unit_id, e.updated_by,
	{{allowing_consent}} AS consent_id
FROM cases c
CROSS JOIN unnest($2::text[], $3::text[], $4::int[]) AS k(kind, class, ord)
LEFT JOIN case_evidence e ON e.case_id = c.id AND e.kind = k.kind
WHERE c.id = ANY($1) AND {{case_visible}} AND {{class_visible}}
ORDER BY c.id, k.ord

-- name: record_evidence
-- Records the item $2 of class $3 of the own organisation's case $1:
-- status $4, the request's task $5, the holder $6, received on $7, the
-- waiver's reason $8, by the unit $9 and the user $10 at the request's
-- time; a REQUESTED item also notes when and by whom it was asked for. A
-- later record replaces the earlier (the request's time and task stay).
-- No row: not the organisation's case.
INSERT INTO case_evidence (case_id, kind, org_id, individual_id, class, status, task_id, holder_org_id, received_on, waiver_reason,
	requested_at, requested_by, updated_at, updated_by_unit_id, updated_by)
SELECT c.id, $2, c.org_id, c.individual_id, $3::information_class, $4, $5, $6, $7, $8,
	CASE WHEN $4 = 'REQUESTED' THEN hub_now() END, CASE WHEN $4 = 'REQUESTED' THEN $10 END, hub_now(), $9, $10
FROM cases c WHERE c.id = $1 AND c.org_id = hub_current_org()
ON CONFLICT (case_id, kind) DO UPDATE SET status = excluded.status,
	task_id = coalesce(excluded.task_id, case_evidence.task_id),
	holder_org_id = coalesce(excluded.holder_org_id, case_evidence.holder_org_id),
	received_on = excluded.received_on, waiver_reason = excluded.waiver_reason,
	requested_at = coalesce(excluded.requested_at, case_evidence.requested_at),
	requested_by = coalesce(excluded.requested_by, case_evidence.requested_by),
	updated_at = excluded.updated_at, updated_by_unit_id = excluded.updated_by_unit_id, updated_by = excluded.updated_by
RETURNING case_id
