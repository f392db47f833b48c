-- What the code renders, written by TestGolden_TasksByIDAndHistory (go test -run '^TestGolden_TasksByIDAndHistory$' -update).

-- case: own organisation's and under samtycken
-- $1 = [7a000000-0000-4000-8000-000000000001]
SELECT t.id, t.kind, t.state, t.purpose, t.classes::text[] AS classes, c.shown AS content_visible,
	c.case_id, c.individual_id, c.case_org_id,
	t.individual_id AS log_individual_id, t.case_org_id AS log_case_org_id,
	t.sender_org_id, t.sender_unit_id, t.sender_user_id, t.topic, t.municipality_code, t.routed_entry_id,
	t.recipient_org_id, t.recipient_unit_id, t.assignee_user_id, t.assignee_name,
	c.subject, c.body,
	t.due_on, t.escalation_level,
	c.reject_reason,
	t.created_at, t.updated_at,
	c.consent_id, t.joint_id
FROM hub_task_contents($1, true, true) c
JOIN tasks t ON t.id = c.task_id
WHERE (t.sender_org_id = hub_current_org()
	OR (t.recipient_org_id = hub_current_org() AND (t.recipient_unit_id IS NULL OR t.recipient_unit_id = hub_current_unit())));

-- case: own organisation's only
-- $1 = [7a000000-0000-4000-8000-000000000001]
SELECT t.id, t.kind, t.state, t.purpose, t.classes::text[] AS classes, c.shown AS content_visible,
	c.case_id, c.individual_id, c.case_org_id,
	t.individual_id AS log_individual_id, t.case_org_id AS log_case_org_id,
	t.sender_org_id, t.sender_unit_id, t.sender_user_id, t.topic, t.municipality_code, t.routed_entry_id,
	t.recipient_org_id, t.recipient_unit_id, t.assignee_user_id, t.assignee_name,
	c.subject, c.body,
	t.due_on, t.escalation_level,
	c.reject_reason,
	t.created_at, t.updated_at,
	c.consent_id, t.joint_id
FROM hub_task_contents($1, true, false) c
JOIN tasks t ON t.id = c.task_id
WHERE (t.sender_org_id = hub_current_org()
	OR (t.recipient_org_id = hub_current_org() AND (t.recipient_unit_id IS NULL OR t.recipient_unit_id = hub_current_unit())));
