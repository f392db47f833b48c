-- What the code renders, written by TestGolden_ListTasks (go test -run '^TestGolden_ListTasks$' -update).

-- case: the inbox, the first page of 20
SELECT t.id, t.kind, t.state, t.purpose, t.classes::text[] AS classes, v.shown AS content_visible,
	CASE WHEN v.shown THEN t.case_id END AS case_id,
	CASE WHEN v.shown THEN t.individual_id END AS individual_id,
	CASE WHEN v.shown THEN t.case_org_id END AS case_org_id,
	t.sender_org_id, t.sender_unit_id, t.sender_user_id, t.topic, t.municipality_code, t.routed_entry_id,
	t.recipient_org_id, t.recipient_unit_id, t.assignee_user_id, t.assignee_name,
	CASE WHEN v.shown THEN t.subject END AS subject,
	CASE WHEN v.shown THEN t.body END AS body,
	t.due_on, t.escalation_level,
	CASE WHEN v.shown THEN t.reject_reason END AS reject_reason,
	t.created_at, t.updated_at,
	CASE WHEN v.shown AND t.case_id IS NOT NULL AND t.sender_org_id <> hub_current_org() THEN (SELECT s.consent_id FROM unnest(t.classes) AS cls(class), hub_shares_class(t.individual_id, cls.class::information_class) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM tasks t
CROSS JOIN LATERAL (SELECT (t.case_id IS NULL OR t.sender_org_id = hub_current_org() OR CASE WHEN t.case_org_id = hub_current_org() THEN NOT EXISTS (SELECT 1 FROM unnest(t.classes) AS cls(class) WHERE NOT starts_with(cls.class::text, hub_own_class_prefix()) AND NOT EXISTS (SELECT 1 FROM hub_shares_class(t.individual_id, cls.class::information_class))) ELSE (EXISTS (SELECT 1 FROM hub_shares_person(t.individual_id)) AND NOT EXISTS (SELECT 1 FROM unnest(t.classes) AS cls(class) WHERE NOT EXISTS (SELECT 1 FROM hub_shares_class(t.individual_id, cls.class::information_class)))) END) AS shown OFFSET 0) v
WHERE t.recipient_org_id = hub_current_org() AND (t.recipient_unit_id IS NULL OR t.recipient_unit_id = hub_current_unit())
ORDER BY t.created_at DESC, t.id DESC LIMIT 21;

-- case: the inbox, a page of 50 after a cursor
-- $1 = 2026-03-14T09:30:00Z
-- $2 = 7a000000-0000-4000-8000-000000000002
SELECT t.id, t.kind, t.state, t.purpose, t.classes::text[] AS classes, v.shown AS content_visible,
	CASE WHEN v.shown THEN t.case_id END AS case_id,
	CASE WHEN v.shown THEN t.individual_id END AS individual_id,
	CASE WHEN v.shown THEN t.case_org_id END AS case_org_id,
	t.sender_org_id, t.sender_unit_id, t.sender_user_id, t.topic, t.municipality_code, t.routed_entry_id,
	t.recipient_org_id, t.recipient_unit_id, t.assignee_user_id, t.assignee_name,
	CASE WHEN v.shown THEN t.subject END AS subject,
	CASE WHEN v.shown THEN t.body END AS body,
	t.due_on, t.escalation_level,
	CASE WHEN v.shown THEN t.reject_reason END AS reject_reason,
	t.created_at, t.updated_at,
	CASE WHEN v.shown AND t.case_id IS NOT NULL AND t.sender_org_id <> hub_current_org() THEN (SELECT s.consent_id FROM unnest(t.classes) AS cls(class), hub_shares_class(t.individual_id, cls.class::information_class) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM tasks t
CROSS JOIN LATERAL (SELECT (t.case_id IS NULL OR t.sender_org_id = hub_current_org() OR CASE WHEN t.case_org_id = hub_current_org() THEN NOT EXISTS (SELECT 1 FROM unnest(t.classes) AS cls(class) WHERE NOT starts_with(cls.class::text, hub_own_class_prefix()) AND NOT EXISTS (SELECT 1 FROM hub_shares_class(t.individual_id, cls.class::information_class))) ELSE (EXISTS (SELECT 1 FROM hub_shares_person(t.individual_id)) AND NOT EXISTS (SELECT 1 FROM unnest(t.classes) AS cls(class) WHERE NOT EXISTS (SELECT 1 FROM hub_shares_class(t.individual_id, cls.class::information_class)))) END) AS shown OFFSET 0) v
WHERE t.recipient_org_id = hub_current_org() AND (t.recipient_unit_id IS NULL OR t.recipient_unit_id = hub_current_unit()) AND (t.created_at, t.id) < ($1, $2)
ORDER BY t.created_at DESC, t.id DESC LIMIT 51;

-- case: sent, of a state, kind and case, due before a day
-- $1 = "MOTTAGEN"
-- $2 = "SIGNAL_SJUKSKRIVNING"
-- $3 = 2026-03-20T00:00:00Z
-- $4 = ca000000-0000-4000-8000-000000000001
SELECT t.id, t.kind, t.state, t.purpose, t.classes::text[] AS classes, v.shown AS content_visible,
	CASE WHEN v.shown THEN t.case_id END AS case_id,
	CASE WHEN v.shown THEN t.individual_id END AS individual_id,
	CASE WHEN v.shown THEN t.case_org_id END AS case_org_id,
	t.sender_org_id, t.sender_unit_id, t.sender_user_id, t.topic, t.municipality_code, t.routed_entry_id,
	t.recipient_org_id, t.recipient_unit_id, t.assignee_user_id, t.assignee_name,
	CASE WHEN v.shown THEN t.subject END AS subject,
	CASE WHEN v.shown THEN t.body END AS body,
	t.due_on, t.escalation_level,
	CASE WHEN v.shown THEN t.reject_reason END AS reject_reason,
	t.created_at, t.updated_at,
	CASE WHEN v.shown AND t.case_id IS NOT NULL AND t.sender_org_id <> hub_current_org() THEN (SELECT s.consent_id FROM unnest(t.classes) AS cls(class), hub_shares_class(t.individual_id, cls.class::information_class) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM tasks t
CROSS JOIN LATERAL (SELECT (t.case_id IS NULL OR t.sender_org_id = hub_current_org() OR CASE WHEN t.case_org_id = hub_current_org() THEN NOT EXISTS (SELECT 1 FROM unnest(t.classes) AS cls(class) WHERE NOT starts_with(cls.class::text, hub_own_class_prefix()) AND NOT EXISTS (SELECT 1 FROM hub_shares_class(t.individual_id, cls.class::information_class))) ELSE (EXISTS (SELECT 1 FROM hub_shares_person(t.individual_id)) AND NOT EXISTS (SELECT 1 FROM unnest(t.classes) AS cls(class) WHERE NOT EXISTS (SELECT 1 FROM hub_shares_class(t.individual_id, cls.class::information_class)))) END) AS shown OFFSET 0) v
WHERE t.sender_org_id = hub_current_org() AND t.state = $1::task_state AND t.kind = $2::task_kind AND t.due_on < $3::date AND t.case_id = $4 AND v.shown
ORDER BY t.created_at DESC, t.id DESC LIMIT 6;
