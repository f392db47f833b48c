-- What the code renders, written by TestGolden_TasksByIDAndHistory (go test -run '^TestGolden_TasksByIDAndHistory$' -update).

-- case: own organisation's and under samtycken
-- $1 = [7a000000-0000-4000-8000-000000000001]
SELECT e.id, e.task_id, e.at, e.actor_org_id, e.actor_unit_id, e.actor_user_id, e.kind, e.from_state, e.to_state,
	CASE WHEN v.shown THEN e.note END AS note, e.routed_entry_id
FROM task_events e
JOIN tasks t ON t.id = e.task_id
CROSS JOIN LATERAL (SELECT (t.case_id IS NULL OR e.actor_org_id = hub_current_org() OR CASE WHEN e.actor_org_id = t.sender_org_id THEN CASE WHEN t.case_org_id = hub_current_org() THEN NOT EXISTS (SELECT 1 FROM unnest(t.classes) AS cls(class) WHERE NOT starts_with(cls.class::text, hub_own_class_prefix()) AND NOT EXISTS (SELECT 1 FROM hub_shares_class(t.individual_id, cls.class::information_class))) ELSE (EXISTS (SELECT 1 FROM hub_shares_person(t.individual_id)) AND NOT EXISTS (SELECT 1 FROM unnest(t.classes) AS cls(class) WHERE NOT EXISTS (SELECT 1 FROM hub_shares_class(t.individual_id, cls.class::information_class)))) END ELSE CASE WHEN t.case_org_id = hub_current_org() THEN NOT EXISTS (SELECT 1 FROM unnest(hub_org_classes(e.actor_org_id)) AS cls(class) WHERE NOT starts_with(cls.class::text, hub_own_class_prefix()) AND NOT EXISTS (SELECT 1 FROM hub_shares_class(t.individual_id, cls.class::information_class))) ELSE (EXISTS (SELECT 1 FROM hub_shares_person(t.individual_id)) AND NOT EXISTS (SELECT 1 FROM unnest(hub_org_classes(e.actor_org_id)) AS cls(class) WHERE NOT EXISTS (SELECT 1 FROM hub_shares_class(t.individual_id, cls.class::information_class)))) END END) AS shown OFFSET 0) v
WHERE e.task_id = ANY($1) AND (t.sender_org_id = hub_current_org()
	OR (t.recipient_org_id = hub_current_org() AND (t.recipient_unit_id IS NULL OR t.recipient_unit_id = hub_current_unit())))
ORDER BY e.task_id, e.seq;

-- case: own organisation's only
-- $1 = [7a000000-0000-4000-8000-000000000001]
SELECT e.id, e.task_id, e.at, e.actor_org_id, e.actor_unit_id, e.actor_user_id, e.kind, e.from_state, e.to_state,
	CASE WHEN v.shown THEN e.note END AS note, e.routed_entry_id
FROM task_events e
JOIN tasks t ON t.id = e.task_id
CROSS JOIN LATERAL (SELECT (t.case_id IS NULL OR e.actor_org_id = hub_current_org() OR CASE WHEN e.actor_org_id = t.sender_org_id THEN false ELSE false END) AS shown OFFSET 0) v
WHERE e.task_id = ANY($1) AND (t.sender_org_id = hub_current_org()
	OR (t.recipient_org_id = hub_current_org() AND (t.recipient_unit_id IS NULL OR t.recipient_unit_id = hub_current_unit())))
ORDER BY e.task_id, e.seq;
