-- What the code renders, written by TestGolden_ListTasks (go test -run '^TestGolden_ListTasks$' -update).

-- case: the inbox, the first page of 20
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
FROM (SELECT parts.id FROM ((SELECT t.id, t.created_at FROM tasks t
	WHERE t.recipient_queue = hub_current_org() AND t.recipient_org_id = hub_current_org()
	ORDER BY t.created_at DESC, t.id DESC LIMIT 21)
	UNION ALL (SELECT t.id, t.created_at FROM tasks t
	WHERE t.recipient_queue = hub_current_unit() AND t.recipient_org_id = hub_current_org()
	ORDER BY t.created_at DESC, t.id DESC LIMIT 21)) parts
	ORDER BY parts.created_at DESC, parts.id DESC LIMIT 21) page
JOIN tasks t ON t.id = page.id
CROSS JOIN LATERAL hub_task_content(t.id, true, true) c
ORDER BY t.created_at DESC, t.id DESC;

-- case: the inbox, a page of 50 after a cursor
-- $1 = 2026-03-14T09:30:00Z
-- $2 = 7a000000-0000-4000-8000-000000000002
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
FROM (SELECT parts.id FROM ((SELECT t.id, t.created_at FROM tasks t
	WHERE t.recipient_queue = hub_current_org() AND t.recipient_org_id = hub_current_org() AND t.created_at <= $1 AND (t.created_at < $1 OR t.id < $2)
	ORDER BY t.created_at DESC, t.id DESC LIMIT 51)
	UNION ALL (SELECT t.id, t.created_at FROM tasks t
	WHERE t.recipient_queue = hub_current_unit() AND t.recipient_org_id = hub_current_org() AND t.created_at <= $1 AND (t.created_at < $1 OR t.id < $2)
	ORDER BY t.created_at DESC, t.id DESC LIMIT 51)) parts
	ORDER BY parts.created_at DESC, parts.id DESC LIMIT 51) page
JOIN tasks t ON t.id = page.id
CROSS JOIN LATERAL hub_task_content(t.id, true, true) c
ORDER BY t.created_at DESC, t.id DESC;

-- case: sent, of a state, kind and case, due before a day
-- $1 = "MOTTAGEN"
-- $2 = "SIGNAL_SJUKSKRIVNING"
-- $3 = 2026-03-20T00:00:00Z
-- $4 = ca000000-0000-4000-8000-000000000001
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
FROM (SELECT parts.id FROM ((SELECT t.id, t.created_at FROM tasks t
	WHERE t.sender_org_id = hub_current_org() AND t.state_code = (SELECT hub_task_state_code($1::task_state)) AND t.kind_code = (SELECT hub_task_kind_code($2::task_kind)) AND t.due_on < $3::date AND t.individual_id = (SELECT cs.individual_id FROM cases cs WHERE cs.id = $4)
	AND (SELECT c.case_id FROM hub_task_content(t.id, true, true) c) = $4
	ORDER BY t.created_at DESC, t.id DESC LIMIT 6)) parts
	ORDER BY parts.created_at DESC, parts.id DESC LIMIT 6) page
JOIN tasks t ON t.id = page.id
CROSS JOIN LATERAL hub_task_content(t.id, true, true) c
ORDER BY t.created_at DESC, t.id DESC;
