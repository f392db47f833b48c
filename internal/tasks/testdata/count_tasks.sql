-- What the code renders, written by TestGolden_ListTasks (go test -run '^TestGolden_ListTasks$' -update).

-- case: the inbox, the first page of 20
SELECT count(*) FROM (SELECT 1 FROM ((SELECT t.id, t.created_at, t.due_open FROM tasks t
	WHERE t.recipient_queue = hub_current_org() AND t.recipient_org_id = hub_current_org()
	ORDER BY t.created_at DESC, t.id DESC LIMIT 1000)
	UNION ALL (SELECT t.id, t.created_at, t.due_open FROM tasks t
	WHERE t.recipient_queue = hub_current_unit() AND t.recipient_org_id = hub_current_org()
	ORDER BY t.created_at DESC, t.id DESC LIMIT 1000)) counted_parts LIMIT 1000) counted;

-- case: the inbox, a page of 50 after a cursor
SELECT count(*) FROM (SELECT 1 FROM ((SELECT t.id, t.created_at, t.due_open FROM tasks t
	WHERE t.recipient_queue = hub_current_org() AND t.recipient_org_id = hub_current_org()
	ORDER BY t.created_at DESC, t.id DESC LIMIT 1000)
	UNION ALL (SELECT t.id, t.created_at, t.due_open FROM tasks t
	WHERE t.recipient_queue = hub_current_unit() AND t.recipient_org_id = hub_current_org()
	ORDER BY t.created_at DESC, t.id DESC LIMIT 1000)) counted_parts LIMIT 1000) counted;

-- case: sent, of a state, kind and case, due before a day
-- $1 = "MOTTAGEN"
-- $2 = "SIGNAL_SJUKSKRIVNING"
-- $3 = 2026-03-20T00:00:00Z
-- $4 = ca000000-0000-4000-8000-000000000001
SELECT count(*) FROM (SELECT 1 FROM ((SELECT t.id, t.created_at, t.due_open FROM tasks t
	WHERE t.sender_org_id = hub_current_org() AND t.state_code = (SELECT hub_task_state_code($1::task_state)) AND t.kind_code = (SELECT hub_task_kind_code($2::task_kind)) AND t.due_open < $3::date AND t.individual_id = (SELECT cs.individual_id FROM cases cs WHERE cs.id = $4)
	AND (SELECT c.case_id FROM hub_task_content(t.id, true, true) c) = $4
	ORDER BY t.due_open, t.id LIMIT 1000)) counted_parts LIMIT 1000) counted;

-- case: the inbox due before a day, most overdue first, after a cursor
-- $1 = 2026-03-20T00:00:00Z
SELECT count(*) FROM (SELECT 1 FROM ((SELECT t.id, t.created_at, t.due_open FROM tasks t
	WHERE t.recipient_queue = hub_current_org() AND t.recipient_org_id = hub_current_org() AND t.due_open < $1::date
	ORDER BY t.due_open, t.id LIMIT 1000)
	UNION ALL (SELECT t.id, t.created_at, t.due_open FROM tasks t
	WHERE t.recipient_queue = hub_current_unit() AND t.recipient_org_id = hub_current_org() AND t.due_open < $1::date
	ORDER BY t.due_open, t.id LIMIT 1000)) counted_parts LIMIT 1000) counted;
