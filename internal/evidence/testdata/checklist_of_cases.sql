-- What the code renders, written by TestGolden_Checklist (go test -run '^TestGolden_Checklist$' -update).

-- case: own organisation and samtycken
-- $1 = [ca000000-0000-4000-8000-000000000001]
-- $2 = [LAKARUTLATANDE AF_REHABILITERING SJUKSKRIVNINGSHISTORIK SOCIALTJANSTENS_YTTRANDE]
-- $3 = [VARD_MEDICINSKT_UNDERLAG AF_INSATSER VARD_SJUKSKRIVNING KOMMUN_PLANERING]
-- $4 = [0 1 2 3]
SELECT c.id AS case_id, c.org_id, c.individual_id, k.kind, k.class::text AS class,
	coalesce(e.status, 'MISSING') AS status, e.task_id, e.holder_org_id, e.received_on, e.waiver_reason,
	e.requested_at, e.requested_by, e.updated_at, e.updated_by_unit_id, e.updated_by,
	CASE WHEN c.org_id = hub_current_org() THEN NULL ELSE (SELECT s.consent_id FROM hub_shares_class(c.individual_id, k.class::information_class) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM cases c
CROSS JOIN unnest($2::text[], $3::text[], $4::int[]) AS k(kind, class, ord)
LEFT JOIN case_evidence e ON e.case_id = c.id AND e.kind = k.kind
WHERE c.id = ANY($1) AND (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_person(c.individual_id))) AND (c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, k.class::information_class)))
ORDER BY c.id, k.ord;

-- case: own organisation only
-- $1 = [ca000000-0000-4000-8000-000000000001]
-- $2 = [LAKARUTLATANDE AF_REHABILITERING SJUKSKRIVNINGSHISTORIK SOCIALTJANSTENS_YTTRANDE]
-- $3 = [VARD_MEDICINSKT_UNDERLAG AF_INSATSER VARD_SJUKSKRIVNING KOMMUN_PLANERING]
-- $4 = [0 1 2 3]
SELECT c.id AS case_id, c.org_id, c.individual_id, k.kind, k.class::text AS class,
	coalesce(e.status, 'MISSING') AS status, e.task_id, e.holder_org_id, e.received_on, e.waiver_reason,
	e.requested_at, e.requested_by, e.updated_at, e.updated_by_unit_id, e.updated_by,
	CASE WHEN c.org_id = hub_current_org() THEN NULL ELSE (SELECT s.consent_id FROM hub_shares_class(c.individual_id, k.class::information_class) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM cases c
CROSS JOIN unnest($2::text[], $3::text[], $4::int[]) AS k(kind, class, ord)
LEFT JOIN case_evidence e ON e.case_id = c.id AND e.kind = k.kind
WHERE c.id = ANY($1) AND (c.org_id = hub_current_org() OR false) AND (c.org_id = hub_current_org() OR false)
ORDER BY c.id, k.ord;

-- case: samtycken only
-- $1 = [ca000000-0000-4000-8000-000000000001]
-- $2 = [LAKARUTLATANDE AF_REHABILITERING SJUKSKRIVNINGSHISTORIK SOCIALTJANSTENS_YTTRANDE]
-- $3 = [VARD_MEDICINSKT_UNDERLAG AF_INSATSER VARD_SJUKSKRIVNING KOMMUN_PLANERING]
-- $4 = [0 1 2 3]
SELECT c.id AS case_id, c.org_id, c.individual_id, k.kind, k.class::text AS class,
	coalesce(e.status, 'MISSING') AS status, e.task_id, e.holder_org_id, e.received_on, e.waiver_reason,
	e.requested_at, e.requested_by, e.updated_at, e.updated_by_unit_id, e.updated_by,
	CASE WHEN c.org_id = hub_current_org() THEN NULL ELSE (SELECT s.consent_id FROM hub_shares_class(c.individual_id, k.class::information_class) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM cases c
CROSS JOIN unnest($2::text[], $3::text[], $4::int[]) AS k(kind, class, ord)
LEFT JOIN case_evidence e ON e.case_id = c.id AND e.kind = k.kind
WHERE c.id = ANY($1) AND (false OR EXISTS (SELECT 1 FROM hub_shares_person(c.individual_id))) AND (false OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, k.class::information_class)))
ORDER BY c.id, k.ord;
