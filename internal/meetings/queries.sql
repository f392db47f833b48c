-- The SQL of meetings. Whether the reader sees a meeting is the database's
-- rule, hub_meeting_seen (migrations 035, 038 and 040): {{visible}} asks it for
-- the meeting m, as the table's row security does, and {{party_visible}}
-- for a party row p, which carries its meeting's rule inputs. {{hole}} is
-- a fragment of this file. Loaded by queries.go (see
-- internal/platform/sqlfile).

-- name: visible
-- The meeting m is the reader's to see: it owns its case, or is a party
-- (the caller included) and, for a meeting about a person, a samtycke in
-- force shares the person for the meeting's purpose (which the request
-- declared).
EXISTS (SELECT 1 FROM hub_meeting_seen(m.org_id, m.case_org_id, m.party_org_ids, m.purpose, m.individual_id))

-- name: party_visible
-- The meeting of the party row p is the reader's to see (as visible, from
-- the meeting's columns the row repeats).
EXISTS (SELECT 1 FROM hub_meeting_seen(p.meeting_org_id, p.case_org_id, p.party_org_ids, p.purpose, p.individual_id))

-- name: meeting_columns
-- A Meeting from meetings m, and the samtycke that lets a party that
-- neither called it nor owns the case see it.
m.id, m.kind, m.purpose, m.case_id, m.individual_id, m.case_org_id, m.org_id, m.unit_id, m.user_id,
	m.subject, m.agenda, m.starts_at, m.ends_at, m.place, m.remote_url, m.person_attendance,
	m.cancelled_at, m.cancel_reason, m.created_at, m.updated_at,
	CASE WHEN m.individual_id IS NOT NULL AND m.org_id <> hub_current_org() AND m.case_org_id <> hub_current_org()
		THEN (SELECT s.consent_id FROM hub_shares_person(m.individual_id) s ORDER BY s.consent_id LIMIT 1) END AS consent_id

-- name: meetings_by_id
-- The meetings among the ids $1 the reader sees.
SELECT {{meeting_columns}}
FROM meetings m
WHERE m.id = ANY ($1::uuid[]) AND {{visible}}

-- name: meetings_of_cases
-- The meetings about the cases $1 the reader sees, by start.
SELECT {{meeting_columns}}
FROM meetings m
WHERE m.case_id = ANY ($1::uuid[]) AND {{visible}}
ORDER BY m.case_id, m.starts_at, m.id

-- name: coming
-- A page of the reader's unit's coming meetings, from $1 (after the
-- meeting $2 at that moment), before $3, at most $4: the two queues, each
-- read in the order of the index meeting_parties_coming, merged.
SELECT {{meeting_columns}}
FROM (({{coming_org}}) UNION ALL ({{coming_unit}})) q
JOIN meetings m ON m.id = q.meeting_id
ORDER BY q.starts_at, q.meeting_id
LIMIT $4

-- name: coming_org
-- The organisation's queue of coming: parties with no unit (their queue
-- is the organisation), not cancelled, read in order from the index
-- meeting_parties_coming alone.
SELECT p.meeting_id, p.starts_at
FROM meeting_parties p
WHERE p.queue_id = hub_current_org() AND p.cancelled_at IS NULL
	AND p.starts_at >= $1 AND (p.starts_at > $1 OR p.meeting_id > $2) AND p.starts_at < $3
	AND {{party_visible}}
ORDER BY p.starts_at, p.meeting_id
LIMIT $4

-- name: coming_unit
-- The unit's queue: parties routed to the reader's unit.
SELECT p.meeting_id, p.starts_at
FROM meeting_parties p
WHERE p.queue_id = hub_current_unit() AND p.org_id = hub_current_org() AND p.cancelled_at IS NULL
	AND p.starts_at >= $1 AND (p.starts_at > $1 OR p.meeting_id > $2) AND p.starts_at < $3
	AND {{party_visible}}
ORDER BY p.starts_at, p.meeting_id
LIMIT $4

-- name: count_coming
-- How many coming meetings the list from $1 before $2 holds, up to 1,000:
-- of each queue only the rows its organisation may see always or under the
-- declared purpose ({{shown}}, from the index meeting_parties_counted),
-- each then under the rule.
SELECT count(*) FROM (
	(SELECT 1 FROM meeting_parties p
	 WHERE p.queue_id = hub_current_org() AND {{shown}} AND p.cancelled_at IS NULL
		AND p.starts_at >= $1 AND p.starts_at < $2 AND {{party_visible}} LIMIT 1000)
	UNION ALL
	(SELECT 1 FROM meeting_parties p
	 WHERE p.queue_id = hub_current_unit() AND {{shown}} AND p.org_id = hub_current_org() AND p.cancelled_at IS NULL
		AND p.starts_at >= $1 AND p.starts_at < $2 AND {{party_visible}} LIMIT 1000)
	LIMIT 1000) counted

-- name: shown
-- The party row p is seen by its organisation always, or under the
-- purpose the request declared (migration 040's shown_under): a narrowing
-- the rule implies, which an index can search.
p.shown_under IN (0, hub_purpose_code(hub_current_purpose()::consent_purpose))

-- name: parties_of
-- The parties of the meetings $1 (of those the reader sees: the party
-- rows' own row security follows their meeting), the caller first.
SELECT p.meeting_id, p.org_id, o.name AS org_name, o.kind::text AS org_kind, p.unit_id, u.name AS unit_name,
	p.role, p.caller, p.task_id, p.attendance
FROM meeting_parties p
JOIN meetings m ON m.id = p.meeting_id
JOIN organizations o ON o.id = p.org_id
LEFT JOIN units u ON u.id = p.unit_id
WHERE p.meeting_id = ANY ($1::uuid[]) AND {{visible}}
ORDER BY p.meeting_id, p.caller DESC, o.name, p.org_id

-- name: insert_meeting
-- A meeting: $1 id, $2 kind, $3 purpose, $4 case, $5 person, $6 the
-- case's municipality, $7 the caller's organisation, $8 its unit, $9 user,
-- $10 the parties' organisations, $11 subject, $12 agenda, $13 start,
-- $14 end, $15 place, $16 link. The person's attendance starts KALLAD.
INSERT INTO meetings (id, kind, purpose, case_id, individual_id, case_org_id, org_id, unit_id, user_id, party_org_ids,
	subject, agenda, starts_at, ends_at, place, remote_url, person_attendance, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
	CASE WHEN $4::uuid IS NULL THEN NULL ELSE 'KALLAD'::meeting_attendance END, hub_now(), hub_now())

-- name: insert_party
-- A party of the meeting $1: organisation $2, unit $3, role $4, whether
-- it called the meeting $5, the task that invited it $6; attendance
-- KALLAD until recorded, starting $7.
INSERT INTO meeting_parties (meeting_id, org_id, unit_id, role, caller, task_id, attendance, starts_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, 'KALLAD', $7, hub_now())

-- name: set_person_attendance
-- The person's attendance $2 at the meeting $1 (the caller's).
UPDATE meetings SET person_attendance = $2, updated_at = hub_now()
WHERE id = $1 AND org_id = hub_current_org() AND cancelled_at IS NULL

-- name: set_party_attendance
-- The attendance $3 of the party $2 at the meeting $1 (the caller's).
UPDATE meeting_parties p SET attendance = $3, updated_at = hub_now()
WHERE p.meeting_id = $1 AND p.org_id = $2
	AND EXISTS (SELECT 1 FROM meetings m WHERE m.id = p.meeting_id AND m.org_id = hub_current_org() AND m.cancelled_at IS NULL)

-- name: touch_meeting
-- A change of the meeting $1's attendance: its updated_at (the .ics DTSTAMP).
UPDATE meetings SET updated_at = hub_now() WHERE id = $1 AND org_id = hub_current_org()

-- name: cancel_meeting
-- Cancels the meeting $1 (the caller's, not yet cancelled) for the reason $2.
UPDATE meetings SET cancelled_at = hub_now(), cancel_reason = $2, updated_at = hub_now()
WHERE id = $1 AND org_id = hub_current_org() AND cancelled_at IS NULL

-- Reminders (migration 037).

-- name: reminder_window
-- The meeting m is due its parties' reminders: not cancelled, and it
-- starts after the request's time and within a day of it.
m.cancelled_at IS NULL AND m.starts_at > hub_now() AND m.starts_at <= hub_now() + interval '1 day'

-- name: not_reminded
-- The party p of the meeting m has not been reminded of this start.
NOT EXISTS (SELECT 1 FROM meeting_reminders r
	WHERE r.meeting_id = m.id AND r.org_id = p.org_id AND r.reason = 'COMING' AND r.occasion = m.starts_at)

-- name: reminders_due
-- The reminders the reader's organisation's meetings (the meeting $1;
-- NULL: any) are due, at most $2, as their caller sees them: each invited
-- party (not the caller) that has not sent word (ATERBUD) nor rejected
-- its kallelse, of a meeting within its {{reminder_window}}, not yet
-- reminded of this start; with the party's organisation and kind, the
-- meeting's purpose, and the municipality its kallelse was routed for.
SELECT m.id AS meeting_id, m.purpose, p.org_id, o.kind::text AS org_kind, t.municipality_code
FROM meetings m
JOIN meeting_parties p ON p.meeting_id = m.id AND NOT p.caller
JOIN organizations o ON o.id = p.org_id
JOIN tasks t ON t.id = p.task_id
WHERE m.org_id = hub_current_org() AND ($1::uuid IS NULL OR m.id = $1)
	AND {{reminder_window}}
	AND p.attendance <> 'ATERBUD' AND t.state NOT IN ('AVVISAD', 'AVBRUTEN')
	AND {{not_reminded}}
ORDER BY m.starts_at, m.id, p.org_id
LIMIT $2

-- name: own_reminder
-- The meeting $1 as its reminder to the reader's organisation (an
-- invited party) shows it, if the reader still sees it ({{visible}}: for
-- a meeting about a person, a samtycke in force for its purpose), it is
-- still due ({{reminder_window}}) and the party was not reminded of this
-- start: what the reminder says, the unit its kallelse went to, and the
-- samtycke that lets the party see the meeting.
SELECT m.id, m.kind, m.purpose, m.individual_id, m.case_org_id, m.starts_at, m.ends_at, m.place, m.remote_url,
	p.unit_id,
	CASE WHEN m.individual_id IS NOT NULL
		THEN (SELECT s.consent_id FROM hub_shares_person(m.individual_id) s ORDER BY s.consent_id LIMIT 1) END AS consent_id
FROM meetings m
JOIN meeting_parties p ON p.meeting_id = m.id AND p.org_id = hub_current_org() AND NOT p.caller
WHERE m.id = $1 AND {{visible}} AND {{reminder_window}} AND p.attendance <> 'ATERBUD' AND {{not_reminded}}

-- name: claim_reminder
-- Claims the reminder of the meeting $1 to the reader's organisation for
-- the reason $2 and the start $3, as the task $4 (written next, in the
-- same transaction): no row when it was claimed before.
INSERT INTO meeting_reminders (meeting_id, org_id, reason, occasion, task_id, created_at)
VALUES ($1, hub_current_org(), $2, $3, $4, hub_now())
ON CONFLICT DO NOTHING
RETURNING task_id

-- Minutes (migration 037).

-- name: minutes_columns
-- Minutes from meeting_minutes n, and the samtycke that lets a reader who
-- did not write them see them (NULL for its own and a KONSULTATION's).
n.id, n.meeting_id, n.individual_id, n.case_org_id, n.org_id, o.name AS org_name, n.unit_id, n.user_id, n.kind,
	n.class, n.purpose, n.text, n.recorded_at,
	CASE WHEN n.individual_id IS NOT NULL AND n.org_id <> hub_current_org()
		THEN (SELECT s.consent_id FROM hub_shares_class(n.individual_id, n.class) s ORDER BY s.consent_id LIMIT 1) END AS consent_id

-- name: minutes_of
-- The minutes of the meetings $1 the reader sees (hub_minutes_visible,
-- the rule of migration 037, as the table's row security), in the order
-- they were recorded.
SELECT {{minutes_columns}}
FROM meeting_minutes n
JOIN organizations o ON o.id = n.org_id
WHERE n.meeting_id = ANY ($1::uuid[]) AND hub_minutes_visible(n.org_id, n.meeting_id, n.individual_id, n.class)
ORDER BY n.meeting_id, n.recorded_at, n.id

-- name: insert_minutes
-- Minutes $1 of the meeting $2 (its person $3 and municipality $4) by the
-- reader's organisation, its unit $5 and user $6: kind $7, class $8,
-- purpose $9, text $10, at the request's time.
INSERT INTO meeting_minutes (id, meeting_id, individual_id, case_org_id, org_id, unit_id, user_id, kind, class, purpose,
	text, recorded_at)
VALUES ($1, $2, $3, $4, hub_current_org(), $5, $6, $7, $8, $9, $10, hub_now())
