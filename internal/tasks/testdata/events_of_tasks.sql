-- What the code renders, written by TestGolden_TasksByIDAndHistory (go test -run '^TestGolden_TasksByIDAndHistory$' -update).

-- case: own organisation's and under samtycken
-- $1 = [7a000000-0000-4000-8000-000000000001]
SELECT e.id, e.task_id, e.at, e.actor_org_id, e.actor_unit_id, e.actor_user_id, e.kind, e.from_state, e.to_state,
	hub_task_event_note(e.id, true, true) AS note, e.routed_entry_id
FROM task_events e
JOIN tasks t ON t.id = e.task_id
WHERE e.task_id = ANY($1) AND (t.sender_org_id = hub_current_org()
	OR (t.recipient_org_id = hub_current_org() AND (t.recipient_unit_id IS NULL OR t.recipient_unit_id = hub_current_unit())))
ORDER BY e.task_id, e.seq;

-- case: own organisation's only
-- $1 = [7a000000-0000-4000-8000-000000000001]
SELECT e.id, e.task_id, e.at, e.actor_org_id, e.actor_unit_id, e.actor_user_id, e.kind, e.from_state, e.to_state,
	hub_task_event_note(e.id, true, false) AS note, e.routed_entry_id
FROM task_events e
JOIN tasks t ON t.id = e.task_id
WHERE e.task_id = ANY($1) AND (t.sender_org_id = hub_current_org()
	OR (t.recipient_org_id = hub_current_org() AND (t.recipient_unit_id IS NULL OR t.recipient_unit_id = hub_current_unit())))
ORDER BY e.task_id, e.seq;
