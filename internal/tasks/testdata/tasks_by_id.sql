-- What the code renders, written by TestGolden_TasksByIDAndHistory (go test -run '^TestGolden_TasksByIDAndHistory$' -update).

-- case: own organisation's and under samtycken
-- $1 = [7a000000-0000-4000-8000-000000000001]
SELECT t.id, t.kind, t.state, t.purpose, t.classes::text[] AS classes, v.shown AS content_visible,
	CASE WHEN v.case_shown THEN t.case_id END AS case_id,
	CASE WHEN v.case_shown THEN t.individual_id END AS individual_id,
	CASE WHEN v.case_shown THEN t.case_org_id END AS case_org_id,
	t.individual_id AS log_individual_id, t.case_org_id AS log_case_org_id,
	t.sender_org_id, t.sender_unit_id, t.sender_user_id, t.topic, t.municipality_code, t.routed_entry_id,
	t.recipient_org_id, t.recipient_unit_id, t.assignee_user_id, t.assignee_name,
	CASE WHEN v.shown THEN t.subject END AS subject,
	CASE WHEN v.shown THEN t.body END AS body,
	t.due_on, t.escalation_level,
	CASE WHEN v.reason_shown THEN t.reject_reason END AS reject_reason,
	t.created_at, t.updated_at,
	CASE WHEN t.case_id IS NULL THEN NULL WHEN t.sender_org_id <> hub_current_org() THEN CASE WHEN v.shown THEN (SELECT s.consent_id FROM unnest(t.classes) AS cls(class), hub_shares_class(t.individual_id, cls.class::information_class) s ORDER BY s.consent_id LIMIT 1) END ELSE coalesce(CASE WHEN v.case_shown AND t.case_org_id <> hub_current_org() THEN (SELECT s.consent_id FROM hub_shares_person(t.individual_id) s ORDER BY s.consent_id LIMIT 1) END, CASE WHEN v.reason_shown AND t.reject_reason IS NOT NULL THEN (SELECT s.consent_id FROM unnest(hub_org_classes(t.recipient_org_id)) AS cls(class), hub_shares_class(t.individual_id, cls.class::information_class) s ORDER BY s.consent_id LIMIT 1) END) END AS consent_id
FROM tasks t
CROSS JOIN LATERAL (SELECT (t.case_id IS NULL OR t.sender_org_id = hub_current_org() OR CASE WHEN t.case_org_id = hub_current_org() THEN NOT EXISTS (SELECT 1 FROM unnest(t.classes) AS cls(class) WHERE NOT starts_with(cls.class::text, hub_own_class_prefix()) AND NOT EXISTS (SELECT 1 FROM hub_shares_class(t.individual_id, cls.class::information_class))) ELSE (EXISTS (SELECT 1 FROM hub_shares_person(t.individual_id)) AND NOT EXISTS (SELECT 1 FROM unnest(t.classes) AS cls(class) WHERE NOT EXISTS (SELECT 1 FROM hub_shares_class(t.individual_id, cls.class::information_class)))) END) AS shown, (t.case_id IS NULL OR CASE WHEN t.sender_org_id = hub_current_org() THEN t.case_org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_person(t.individual_id)) ELSE CASE WHEN t.case_org_id = hub_current_org() THEN NOT EXISTS (SELECT 1 FROM unnest(t.classes) AS cls(class) WHERE NOT starts_with(cls.class::text, hub_own_class_prefix()) AND NOT EXISTS (SELECT 1 FROM hub_shares_class(t.individual_id, cls.class::information_class))) ELSE (EXISTS (SELECT 1 FROM hub_shares_person(t.individual_id)) AND NOT EXISTS (SELECT 1 FROM unnest(t.classes) AS cls(class) WHERE NOT EXISTS (SELECT 1 FROM hub_shares_class(t.individual_id, cls.class::information_class)))) END END) AS case_shown, (t.case_id IS NULL OR t.recipient_org_id = hub_current_org() OR CASE WHEN t.recipient_org_id = t.sender_org_id THEN CASE WHEN t.case_org_id = hub_current_org() THEN NOT EXISTS (SELECT 1 FROM unnest(t.classes) AS cls(class) WHERE NOT starts_with(cls.class::text, hub_own_class_prefix()) AND NOT EXISTS (SELECT 1 FROM hub_shares_class(t.individual_id, cls.class::information_class))) ELSE (EXISTS (SELECT 1 FROM hub_shares_person(t.individual_id)) AND NOT EXISTS (SELECT 1 FROM unnest(t.classes) AS cls(class) WHERE NOT EXISTS (SELECT 1 FROM hub_shares_class(t.individual_id, cls.class::information_class)))) END ELSE CASE WHEN t.case_org_id = hub_current_org() THEN NOT EXISTS (SELECT 1 FROM unnest(hub_org_classes(t.recipient_org_id)) AS cls(class) WHERE NOT starts_with(cls.class::text, hub_own_class_prefix()) AND NOT EXISTS (SELECT 1 FROM hub_shares_class(t.individual_id, cls.class::information_class))) ELSE (EXISTS (SELECT 1 FROM hub_shares_person(t.individual_id)) AND NOT EXISTS (SELECT 1 FROM unnest(hub_org_classes(t.recipient_org_id)) AS cls(class) WHERE NOT EXISTS (SELECT 1 FROM hub_shares_class(t.individual_id, cls.class::information_class)))) END END) AS reason_shown OFFSET 0) v
WHERE t.id = ANY($1) AND (t.sender_org_id = hub_current_org()
	OR (t.recipient_org_id = hub_current_org() AND (t.recipient_unit_id IS NULL OR t.recipient_unit_id = hub_current_unit())));

-- case: own organisation's only
-- $1 = [7a000000-0000-4000-8000-000000000001]
SELECT t.id, t.kind, t.state, t.purpose, t.classes::text[] AS classes, v.shown AS content_visible,
	CASE WHEN v.case_shown THEN t.case_id END AS case_id,
	CASE WHEN v.case_shown THEN t.individual_id END AS individual_id,
	CASE WHEN v.case_shown THEN t.case_org_id END AS case_org_id,
	t.individual_id AS log_individual_id, t.case_org_id AS log_case_org_id,
	t.sender_org_id, t.sender_unit_id, t.sender_user_id, t.topic, t.municipality_code, t.routed_entry_id,
	t.recipient_org_id, t.recipient_unit_id, t.assignee_user_id, t.assignee_name,
	CASE WHEN v.shown THEN t.subject END AS subject,
	CASE WHEN v.shown THEN t.body END AS body,
	t.due_on, t.escalation_level,
	CASE WHEN v.reason_shown THEN t.reject_reason END AS reject_reason,
	t.created_at, t.updated_at,
	CASE WHEN t.case_id IS NULL THEN NULL WHEN t.sender_org_id <> hub_current_org() THEN CASE WHEN v.shown THEN (SELECT s.consent_id FROM unnest(t.classes) AS cls(class), hub_shares_class(t.individual_id, cls.class::information_class) s ORDER BY s.consent_id LIMIT 1) END ELSE coalesce(CASE WHEN v.case_shown AND t.case_org_id <> hub_current_org() THEN (SELECT s.consent_id FROM hub_shares_person(t.individual_id) s ORDER BY s.consent_id LIMIT 1) END, CASE WHEN v.reason_shown AND t.reject_reason IS NOT NULL THEN (SELECT s.consent_id FROM unnest(hub_org_classes(t.recipient_org_id)) AS cls(class), hub_shares_class(t.individual_id, cls.class::information_class) s ORDER BY s.consent_id LIMIT 1) END) END AS consent_id
FROM tasks t
CROSS JOIN LATERAL (SELECT (t.case_id IS NULL OR t.sender_org_id = hub_current_org() OR false) AS shown, (t.case_id IS NULL OR CASE WHEN t.sender_org_id = hub_current_org() THEN t.case_org_id = hub_current_org() OR false ELSE false END) AS case_shown, (t.case_id IS NULL OR t.recipient_org_id = hub_current_org() OR CASE WHEN t.recipient_org_id = t.sender_org_id THEN false ELSE false END) AS reason_shown OFFSET 0) v
WHERE t.id = ANY($1) AND (t.sender_org_id = hub_current_org()
	OR (t.recipient_org_id = hub_current_org() AND (t.recipient_unit_id IS NULL OR t.recipient_unit_id = hub_current_unit())));
