-- The SQL of tasks between agencies. A task's row is the sender
-- organisation's and the recipient queue's ({{party}}); its personal
-- content (the case and person, subject, body, a rejection's reason, a
-- step's note) hub_app may not read itself: it comes from the functions
-- hub_task_content and hub_task_event_note (migration 030), which state the
-- sharing rule once and mask what it does not show the reader. {{scope}} is
-- the reader's scope as their two last arguments (p_own, p_consented), as
-- queries.go renders it. {{hole}} is otherwise a fragment of this file.
-- Loaded by queries.go (see internal/platform/sqlfile).

-- name: party
-- The task t is the reader's: its organisation sent it, or it is in the
-- reader's queue (the recipient organisation, and its unit when the entry
-- it was routed to names one).
(t.sender_org_id = hub_current_org()
	OR (t.recipient_org_id = hub_current_org() AND (t.recipient_unit_id IS NULL OR t.recipient_unit_id = hub_current_unit())))

-- name: inbox
-- The task t is in the reader's queue: to its organisation, and to its
-- unit when the entry names one. (A list reads the two queues as
-- org_queue and unit_queue.)
t.recipient_org_id = hub_current_org() AND (t.recipient_unit_id IS NULL OR t.recipient_unit_id = hub_current_unit())

-- name: org_queue
-- The reader's organisation's queue (tasks routed through an entry that
-- names no unit). recipient_queue (migration 031) is the queue as a value,
-- so that an index gives its tasks in order.
t.recipient_queue = hub_current_org() AND t.recipient_org_id = hub_current_org()

-- name: unit_queue
-- The reader's unit's queue (tasks routed through an entry that names it).
t.recipient_queue = hub_current_unit() AND t.recipient_org_id = hub_current_org()

-- name: sent
-- What the reader's organisation sent.
t.sender_org_id = hub_current_org()

-- name: task_columns
-- A Task, from tasks t joined with its content c (hub_task_content): each
-- part of the personal content is NULL unless the rule shows it to the
-- reader, and c.consent_id is the samtycke that allowed what the reader
-- sees of the other party's. log_individual_id and log_case_org_id are the
-- person and its municipality as they are, for the loggutdrag row of a
-- read or write only: the application never shows them.
t.id, t.kind, t.state, t.purpose, t.classes::text[] AS classes, c.shown AS content_visible,
	c.case_id, c.individual_id, c.case_org_id,
	t.individual_id AS log_individual_id, t.case_org_id AS log_case_org_id,
	t.sender_org_id, t.sender_unit_id, t.sender_user_id, t.topic, t.municipality_code, t.routed_entry_id,
	t.recipient_org_id, t.recipient_unit_id, t.assignee_user_id, t.assignee_name,
	c.subject, c.body,
	t.due_on, t.escalation_level,
	c.reject_reason,
	t.created_at, t.updated_at,
	c.consent_id, t.joint_id

-- name: tasks_by_id
-- The tasks among the ids $1 that are the reader's, each with its content
-- (hub_task_contents: one call for them all).
SELECT {{task_columns}}
FROM hub_task_contents($1, {{scope}}) c
JOIN tasks t ON t.id = c.task_id
WHERE {{party}}

-- name: joint_tasks
-- The tasks of the groups $1 (joint_id: the id of a group's first task)
-- that are the reader's, each with its content, the first of each group
-- first: the tasks one request sent together, as far as the reader is a
-- party to them (a recipient: its own).
SELECT {{task_columns}}
FROM tasks t
CROSS JOIN LATERAL hub_task_content(t.id, {{scope}}) c
WHERE t.joint_id = ANY($1) AND {{party}}
ORDER BY t.joint_id, t.id <> t.joint_id, t.id

-- name: newest_first
-- The order of a list: newest first (the order of tasks_queue, _kind and
-- _state, and of tasks_sent, _kind and _state; migration 031).
t.created_at DESC, t.id DESC

-- name: most_overdue_first
-- The order of a list filtered by due day: its open tasks by the day they
-- are due, then by id (tasks_queue_due, tasks_sent_due).
t.due_open, t.id

-- name: box_rows
-- The ids of one part of a box ({{part}}: a queue, or what was sent),
-- narrowed by {{filter}}, in the list's {{order}}, at most {{limit}} of
-- them: read in the order of an index (migration 031), so a page reads no
-- more rows than it shows.
(SELECT t.id, t.created_at, t.due_open FROM tasks t
	WHERE {{part}}{{filter}}
	ORDER BY {{order}} LIMIT {{limit}})

-- name: list_tasks
-- One page of the reader's inbox or sent tasks, in {{order}}. {{rows}} is
-- the box's parts as box_rows, joined by UNION ALL; {{limit}} the number of
-- rows to read. The page is chosen first, and its rows' content read in
-- one call of hub_task_contents (the content of every row of the box would
-- cost the whole box, a call per row fifty calls).
WITH page AS MATERIALIZED (
	SELECT t.id FROM ({{rows}}) t
	ORDER BY {{order}} LIMIT {{limit}})
SELECT {{task_columns}}
FROM hub_task_contents(ARRAY(SELECT page.id FROM page), {{scope}}) c
JOIN tasks t ON t.id = c.task_id
ORDER BY {{order}}

-- name: count_tasks
-- The rows of the box to count ({{rows}}: its parts as box_rows, each
-- reading at most as many as Count counts; page.BoundedCount bounds the
-- sum).
SELECT 1 FROM ({{rows}}) counted_parts

-- name: of_case
-- The filter of the tasks about the case ${{n}}: those about its person (the
-- case's row security shows it to a reader who may see the case), whose
-- case hub_task_content shows the reader as this one.
t.individual_id = (SELECT cs.individual_id FROM cases cs WHERE cs.id = ${{n}})
	AND (SELECT c.case_id FROM hub_task_content(t.id, {{scope}}) c) = ${{n}}

-- name: events_of_tasks
-- The history of the tasks $1 that are the reader's, in the order it
-- happened; a step's note (a rejection's reason, an assignee's name) is
-- the text of the party that took the step, as hub_task_event_note shows
-- it to the reader.
SELECT e.id, e.task_id, e.at, e.actor_org_id, e.actor_unit_id, e.actor_user_id, e.kind, e.from_state, e.to_state,
	hub_task_event_note(e.id, {{scope}}) AS note, e.routed_entry_id
FROM task_events e
JOIN tasks t ON t.id = e.task_id
WHERE e.task_id = ANY($1) AND {{party}}
ORDER BY e.task_id, e.seq

-- name: task_samtycke
-- The samtycke in force that shares the person $1 and the classes $5 with
-- the organisation $2 (its unit $3) for the purpose $4, or NULL (migration
-- 023: hub_task_samtycke answers only about a person the reader may see).
SELECT hub_task_samtycke($1, $2, $3, $4::consent_purpose, $5::information_class[])

-- name: insert_task
-- Sends the task $1 from the reader's organisation (its unit $2, user $3):
-- kind $4, purpose $5, classes $6, case $7 of the person $8 owned by $9,
-- topic $10 in the municipality $11, routed to the entry $12 of the
-- organisation $13 (unit $14), subject $15, body $16, due $17, under the
-- samtycke $18, sent together with the group $19 (the id of its first
-- task, perhaps $1; NULL: alone), at the request's time. (Its creation is
-- recorded by task_created, a statement of its own: the history's row
-- security asks for the task, which a later part of the same statement
-- would not see.)
INSERT INTO tasks (id, kind, state, purpose, classes, case_id, individual_id, case_org_id,
	sender_org_id, sender_unit_id, sender_user_id, topic, municipality_code, routed_entry_id,
	recipient_org_id, recipient_unit_id, subject, body, due_on, consent_id, joint_id, created_at, updated_at)
VALUES ($1, $4, 'SKICKAD', $5, $6, $7, $8, $9, hub_current_org(), $2, $3, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
	hub_now(), hub_now())
RETURNING id

-- name: task_created
-- Records the sending of the task $1 as the step $2 by the unit $3 and
-- the user $4, routed to the entry $5, at the request's time.
INSERT INTO task_events (id, task_id, at, actor_org_id, actor_unit_id, actor_user_id, kind, from_state, to_state, routed_entry_id)
VALUES ($2, $1, hub_now(), hub_current_org(), $3, $4, 'CREATED', NULL, 'SKICKAD', $5)

-- name: change_state
-- Moves the reader's task $1 from the state $2 to $3 (the reason $4 of a
-- rejection), at the request's time, and records it as the step $5 by
-- the unit $6 and the user $7. No row: the task is no longer in $2 (it
-- changed meanwhile).
WITH moved AS (
	UPDATE tasks t SET state = $3, reject_reason = $4, updated_at = hub_now()
	WHERE t.id = $1 AND t.state = $2 AND {{party}}
	RETURNING t.id
)
INSERT INTO task_events (id, task_id, at, actor_org_id, actor_unit_id, actor_user_id, kind, from_state, to_state, note)
SELECT $5, m.id, hub_now(), hub_current_org(), $6, $7, 'STATE', $2, $3, $4 FROM moved m
RETURNING task_id

-- name: assign
-- Assigns the task $1, in the reader's queue and in the state $2, to the
-- user $3 named $4, and records it as the step $5 by the unit $6 and the
-- user $7. No row: the task is not in $2 any more.
WITH assigned AS (
	UPDATE tasks t SET assignee_user_id = $3, assignee_name = $4, updated_at = hub_now()
	WHERE t.id = $1 AND t.state = $2 AND {{inbox}}
	RETURNING t.id, t.state
)
INSERT INTO task_events (id, task_id, at, actor_org_id, actor_unit_id, actor_user_id, kind, from_state, to_state, note)
SELECT $5, a.id, hub_now(), hub_current_org(), $6, $7, 'ASSIGNED', NULL, a.state, $4 FROM assigned a
RETURNING task_id

-- name: overdue
-- The task t is one of the reader's organisation's sent tasks that is
-- overdue and not yet accepted: SKICKAD or MOTTAGEN, due before the
-- request's day. Not a reminder (it has no entry). The one definition of
-- what the escalation acts on, for the scan and for a task's own job.
t.sender_org_id = hub_current_org() AND t.state IN ('SKICKAD', 'MOTTAGEN') AND t.due_on < hub_today()
	AND t.routed_entry_id IS NOT NULL

-- name: overdue_columns
-- An overdue task t, with where it is now.
t.id, t.kind, t.state, t.purpose, t.classes::text[] AS classes, t.individual_id, t.case_org_id,
	t.routed_entry_id, t.escalation_level, t.due_on

-- name: overdue_sent
-- The reader's organisation's sent tasks that are overdue (above), oldest
-- due first, at most $1: for the escalation scan, which acts as their
-- sender.
SELECT {{overdue_columns}}
FROM tasks t
WHERE {{overdue}}
ORDER BY t.due_on, t.id
LIMIT $1

-- name: overdue_task
-- The reader's organisation's sent task $1 if it is overdue (above): for
-- the job scheduled at its due moment, which acts as its sender.
SELECT {{overdue_columns}}
FROM tasks t
WHERE t.id = $1 AND {{overdue}}

-- name: escalate
-- Moves the reader's sent task $1, still at escalation level $2 and not
-- yet accepted, to the entry $3 of the organisation $4 (unit $5) at level
-- $2 + 1, due $6, under the samtycke $7, and records it as the step $8 by
-- the user $9. No row: someone acted on the task meanwhile.
WITH moved AS (
	UPDATE tasks t SET routed_entry_id = $3, recipient_org_id = $4, recipient_unit_id = $5, escalation_level = $2 + 1,
		due_on = $6, consent_id = $7, updated_at = hub_now()
	WHERE t.id = $1 AND t.escalation_level = $2 AND t.state IN ('SKICKAD', 'MOTTAGEN') AND t.sender_org_id = hub_current_org()
	RETURNING t.id, t.state
)
INSERT INTO task_events (id, task_id, at, actor_org_id, actor_unit_id, actor_user_id, kind, from_state, to_state, routed_entry_id)
SELECT $8, m.id, hub_now(), hub_current_org(), NULL, $9, 'ESCALATED', m.state, m.state, $3 FROM moved m
RETURNING task_id

-- name: claim_reminder
-- Claims the reminder of the reader's case $1 for the reason $2 and the
-- occasion $3, as the task $4: no row when it was claimed before (each
-- occasion reminds once).
INSERT INTO case_reminders (case_id, org_id, reason, occasion, task_id, created_at)
VALUES ($1, hub_current_org(), $2, $3, $4, hub_now())
ON CONFLICT DO NOTHING
RETURNING task_id

-- name: insert_reminder
-- Writes the reminder $1 from the reader's organisation (its unit, if the
-- session has one, as the user $5) to its own unit $4 (NULL: its whole
-- queue), about its case $2 of the person $3 (both NULL: about no case,
-- such as a meeting's reminder, which names no person): purpose $6,
-- classes $7 (none without a case), topic $8, municipality $9, subject
-- $10, body $11, due $12, at the request's time. No entry routes it. (Its
-- creation is recorded by task_created.)
INSERT INTO tasks (id, kind, state, purpose, classes, case_id, individual_id, case_org_id,
	sender_org_id, sender_unit_id, sender_user_id, topic, municipality_code, routed_entry_id,
	recipient_org_id, recipient_unit_id, subject, body, due_on, consent_id, created_at, updated_at)
VALUES ($1, 'PAMINNELSE', 'SKICKAD', $6, $7, $2, $3, CASE WHEN $2::uuid IS NULL THEN NULL ELSE hub_current_org() END,
	hub_current_org(), hub_current_unit(), $5, $8, $9, NULL,
	hub_current_org(), $4, $10, $11, $12, NULL, hub_now(), hub_now())
RETURNING id

-- name: reminders_due
-- The reminders the reader's organisation's open cases are due on the
-- request's day and have not had (case_reminders), at most $1, each with
-- its occasion (the key that makes it once) and a detail for its text:
--   WAIT_ENDED         in VANTAR, and the wait stated on entering it ended
--                      before today (occasion: its end; detail: what);
--   NO_JOINT_PLANNING  opened over two months ago and never in
--                      GEMENSAM_PLANERING (occasion: the opening day);
--   AF_DEREGISTRATION  AF status INSKRIVEN and a VARD_SJUKSKRIVNING item
--                      the reader may see recorded over 30 days ago
--                      (occasion: the first such item's day);
--   YEARLY_REVIEW      opened a year or more ago (occasion: the last
--                      anniversary of the opening).
-- Row security shows the reader its own cases, and of others' items only
-- those a samtycke shares with it under its purpose.
WITH open_cases AS (
	{{open_cases}}
), due AS (
	{{wait_ended}}
	UNION ALL
	SELECT c.id, c.individual_id, c.lead_unit_id, 'NO_JOINT_PLANNING', c.opened_on, NULL
	FROM open_cases c
	WHERE c.opened_on <= hub_today() - interval '2 months'
		AND NOT EXISTS (SELECT 1 FROM case_transitions t WHERE t.case_id = c.id AND t.to_state = 'GEMENSAM_PLANERING')
	UNION ALL
	SELECT c.id, c.individual_id, c.lead_unit_id, 'AF_DEREGISTRATION', (s.first AT TIME ZONE 'Europe/Stockholm')::date, NULL
	FROM open_cases c
	CROSS JOIN LATERAL (SELECT min(i.recorded_at) AS first FROM case_items i
		WHERE i.case_id = c.id AND i.class = 'VARD_SJUKSKRIVNING') s
	WHERE c.af_status = 'INSKRIVEN' AND s.first <= hub_now() - interval '30 days'
	UNION ALL
	SELECT c.id, c.individual_id, c.lead_unit_id, 'YEARLY_REVIEW', (c.opened_on + y.years * interval '1 year')::date, NULL
	FROM open_cases c
	CROSS JOIN LATERAL (SELECT extract(year FROM age(hub_today(), c.opened_on))::int AS years) y
	WHERE y.years >= 1
)
SELECT {{reminder_due_columns}}
FROM due d
WHERE {{not_reminded}}
ORDER BY d.occasion, d.id, d.reason
LIMIT $1

-- name: wait_ended_due
-- The WAIT_ENDED reminder the reader's open case $1 is due on the
-- request's day and has not had, as reminders_due finds it: for the job
-- scheduled at the end of the case's wait.
WITH open_cases AS (
	{{open_cases}}
		AND c.id = $1
), due AS (
	{{wait_ended}}
)
SELECT {{reminder_due_columns}}
FROM due d
WHERE {{not_reminded}}

-- name: open_cases
-- The reader's organisation's open cases (a CTE open_cases of the
-- reminders), each with its opening day.
SELECT c.id, c.individual_id, c.lead_unit_id, c.state, c.af_status,
		(c.opened_at AT TIME ZONE 'Europe/Stockholm')::date AS opened_on
	FROM cases c
	WHERE c.org_id = hub_current_org() AND c.state <> 'AVSLUTAD'

-- name: wait_ended
-- The WAIT_ENDED reminders of open_cases: in VANTAR, and the wait stated
-- on entering it (the latest step to VANTAR) ended before today.
SELECT c.id, c.individual_id, c.lead_unit_id, 'WAIT_ENDED' AS reason, w.wait_until AS occasion, w.wait_what AS detail
	FROM open_cases c
	CROSS JOIN LATERAL (SELECT t.wait_until, t.wait_what FROM case_transitions t
		WHERE t.case_id = c.id AND t.to_state = 'VANTAR' ORDER BY t.at DESC, t.id DESC LIMIT 1) w
	WHERE c.state = 'VANTAR' AND w.wait_until < hub_today()

-- name: not_reminded
-- The reminder d (a row of due) has not been written: its occasion is
-- not claimed (case_reminders).
NOT EXISTS (SELECT 1 FROM case_reminders m WHERE m.case_id = d.id AND m.reason = d.reason AND m.occasion = d.occasion)

-- name: reminder_due_columns
-- A ReminderDue, from a row d of due.
d.id AS case_id, d.individual_id, d.lead_unit_id, d.reason, d.occasion, d.detail

-- name: timer_organizations
-- Every organisation of the catalogue (readable by all), with its kind:
-- the timers act as each in turn.
SELECT o.id, o.kind FROM organizations o ORDER BY o.id
