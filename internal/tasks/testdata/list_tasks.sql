-- What the code renders, written by TestGolden_ListTasks (go test -run '^TestGolden_ListTasks$' -update).

-- case: the inbox, the first page of 20
WITH page AS MATERIALIZED (
	SELECT t.id FROM ((SELECT t.id, t.created_at, t.due_open FROM tasks t
	WHERE t.recipient_queue = hub_current_org() AND t.recipient_org_id = hub_current_org()
	ORDER BY t.created_at DESC, t.id DESC LIMIT 21)
	UNION ALL (SELECT t.id, t.created_at, t.due_open FROM tasks t
	WHERE t.recipient_queue = hub_current_unit() AND t.recipient_org_id = hub_current_org()
	ORDER BY t.created_at DESC, t.id DESC LIMIT 21)) t
	ORDER BY t.created_at DESC, t.id DESC LIMIT 21)
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
FROM hub_task_contents(ARRAY(SELECT page.id FROM page), true, true) c
JOIN tasks t ON t.id = c.task_id
ORDER BY t.created_at DESC, t.id DESC;

-- case: the inbox, a page of 50 after a cursor
-- $1 = 2026-03-14T09:30:00Z
-- $2 = 7a000000-0000-4000-8000-000000000002
WITH page AS MATERIALIZED (
	SELECT t.id FROM ((SELECT t.id, t.created_at, t.due_open FROM tasks t
	WHERE t.recipient_queue = hub_current_org() AND t.recipient_org_id = hub_current_org() AND t.created_at <= $1 AND (t.created_at < $1 OR t.id < $2)
	ORDER BY t.created_at DESC, t.id DESC LIMIT 51)
	UNION ALL (SELECT t.id, t.created_at, t.due_open FROM tasks t
	WHERE t.recipient_queue = hub_current_unit() AND t.recipient_org_id = hub_current_org() AND t.created_at <= $1 AND (t.created_at < $1 OR t.id < $2)
	ORDER BY t.created_at DESC, t.id DESC LIMIT 51)) t
	ORDER BY t.created_at DESC, t.id DESC LIMIT 51)
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
FROM hub_task_contents(ARRAY(SELECT page.id FROM page), true, true) c
JOIN tasks t ON t.id = c.task_id
ORDER BY t.created_at DESC, t.id DESC;

-- case: sent, of a state, kind and case, due before a day
-- $1 = "MOTTAGEN"
-- $2 = "SIGNAL_SJUKSKRIVNING"
-- $3 = 2026-03-20T00:00:00Z
-- $4 = ca000000-0000-4000-8000-000000000001
WITH page AS MATERIALIZED (
	SELECT t.id FROM ((SELECT t.id, t.created_at, t.due_open FROM tasks t
	WHERE t.sender_org_id = hub_current_org() AND t.state_code = (SELECT hub_task_state_code($1::task_state)) AND t.kind_code = (SELECT hub_task_kind_code($2::task_kind)) AND t.due_open < $3::date AND t.individual_id = (SELECT cs.individual_id FROM cases cs WHERE cs.id = $4)
	AND (SELECT c.case_id FROM hub_task_content(t.id, true, true) c) = $4
	ORDER BY t.due_open, t.id LIMIT 6)) t
	ORDER BY t.due_open, t.id LIMIT 6)
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
FROM hub_task_contents(ARRAY(SELECT page.id FROM page), true, true) c
JOIN tasks t ON t.id = c.task_id
ORDER BY t.due_open, t.id;

-- case: the inbox due before a day, most overdue first, after a cursor
-- $1 = 2026-03-20T00:00:00Z
-- $2 = 2026-03-18T00:00:00Z
-- $3 = 7a000000-0000-4000-8000-000000000002
WITH page AS MATERIALIZED (
	SELECT t.id FROM ((SELECT t.id, t.created_at, t.due_open FROM tasks t
	WHERE t.recipient_queue = hub_current_org() AND t.recipient_org_id = hub_current_org() AND t.due_open < $1::date AND t.due_open >= $2::date AND (t.due_open > $2::date OR t.id > $3)
	ORDER BY t.due_open, t.id LIMIT 51)
	UNION ALL (SELECT t.id, t.created_at, t.due_open FROM tasks t
	WHERE t.recipient_queue = hub_current_unit() AND t.recipient_org_id = hub_current_org() AND t.due_open < $1::date AND t.due_open >= $2::date AND (t.due_open > $2::date OR t.id > $3)
	ORDER BY t.due_open, t.id LIMIT 51)) t
	ORDER BY t.due_open, t.id LIMIT 51)
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
FROM hub_task_contents(ARRAY(SELECT page.id FROM page), true, true) c
JOIN tasks t ON t.id = c.task_id
ORDER BY t.due_open, t.id;
