-- Meetings II (issue 14; docs/meetings.md): reminders before a meeting
-- and a follow-up after a no-show, both tasks of kind PAMINNELSE, and each
-- party's minutes and decisions of a meeting.
--
-- REMINDERS. A reminder of a coming meeting is a PAMINNELSE a party
-- writes to its own queue (the unit its kallelse went to): the timer job
-- acts as the party, so the reminder is written only while the party
-- still sees the meeting (hub_meeting_visible: a samtycke in force shares
-- the person with it for the meeting's purpose), and migration 029's
-- sender_insert already lets an organisation remind itself. A reminder
-- about a meeting carries nothing about the person, like the .ics: the
-- kind, the time, the place and the link, and the meeting's id. So a
-- PAMINNELSE may now name no case (and then no class), as a KONSULTATION
-- does; every other kind still names its case. The follow-up after a
-- no-show is the same kind of task, written by the caller to its unit.
-- meeting_reminders keeps each once (its key: meeting, party, reason,
-- the start it reminded of), as case_reminders does for cases.
--
-- MINUTES. Each party writes its minutes and decisions of a meeting in
-- one of its own organisation's information classes (the case items'
-- class model). THE RULE, stated once (hub_minutes_visible): minutes are
-- seen by the party that wrote them, and by another party that sees the
-- meeting (hub_meeting_visible, through the meetings' row security) when,
-- for a meeting about a person, a samtycke in force shares the minutes'
-- class with it (hub_shares_class, exactly the rule of case_items). A
-- KONSULTATION's minutes name no one: every party of it sees them.

ALTER TABLE tasks DROP CONSTRAINT tasks_check;
ALTER TABLE tasks ADD CONSTRAINT tasks_case_unless_konsultation_or_reminder CHECK (
    CASE WHEN kind = 'KONSULTATION' THEN case_id IS NULL ELSE case_id IS NOT NULL OR kind::text = 'PAMINNELSE' END);
ALTER TABLE tasks DROP CONSTRAINT tasks_check2;
ALTER TABLE tasks ADD CONSTRAINT tasks_classes_with_case CHECK ((case_id IS NULL) = (cardinality(classes) = 0));

CREATE TABLE meeting_reminders (
    meeting_id uuid NOT NULL REFERENCES meetings (id),
    -- The organisation reminded: a party reminded of the meeting, or the
    -- caller followed up after the person's no-show.
    org_id     uuid NOT NULL REFERENCES organizations (id),
    reason     text NOT NULL CHECK (reason IN ('COMING', 'NO_SHOW')),
    -- The meeting's start it was about: a meeting moved is a new occasion.
    occasion   timestamptz NOT NULL,
    -- The task is written after the claim, in the same transaction.
    task_id    uuid NOT NULL REFERENCES tasks (id) DEFERRABLE INITIALLY DEFERRED,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (meeting_id, org_id, reason, occasion)
);
GRANT SELECT, INSERT ON meeting_reminders TO hub_app;
ALTER TABLE meeting_reminders ENABLE ROW LEVEL SECURITY;
-- The organisation reminded sees its own claims; the caller sees whom its
-- meeting reminded (its listing of reminders due leaves them out).
CREATE POLICY reminded_or_caller_read ON meeting_reminders FOR SELECT USING (
    org_id = (SELECT hub_current_org())
    OR EXISTS (SELECT 1 FROM meetings m WHERE m.id = meeting_reminders.meeting_id AND m.org_id = (SELECT hub_current_org())));
-- A party claims a reminder of a meeting it sees, for itself.
CREATE POLICY party_insert ON meeting_reminders FOR INSERT WITH CHECK (
    org_id = (SELECT hub_current_org())
    AND EXISTS (SELECT 1 FROM meetings m WHERE m.id = meeting_reminders.meeting_id
                AND meeting_reminders.org_id = ANY (m.party_org_ids)));

CREATE TYPE meeting_note_kind AS ENUM ('MINUTES', 'DECISION');

CREATE TABLE meeting_minutes (
    id            uuid PRIMARY KEY,
    meeting_id    uuid NOT NULL REFERENCES meetings (id),
    -- The meeting's person and its municipality (NULL for a KONSULTATION).
    individual_id uuid REFERENCES individuals (id),
    case_org_id   uuid REFERENCES organizations (id),
    -- The party that wrote them.
    org_id        uuid NOT NULL REFERENCES organizations (id),
    unit_id       uuid REFERENCES units (id),
    user_id       text NOT NULL CHECK (length(user_id) BETWEEN 1 AND 200),
    kind          meeting_note_kind NOT NULL,
    -- One of the writer's own classes: whose information it is.
    class         information_class NOT NULL,
    -- The meeting's purpose.
    purpose       consent_purpose NOT NULL,
    text          text NOT NULL CHECK (length(text) BETWEEN 1 AND 4000),
    recorded_at   timestamptz NOT NULL,
    CHECK ((individual_id IS NULL) = (case_org_id IS NULL))
);
CREATE INDEX meeting_minutes_meeting ON meeting_minutes (meeting_id, recorded_at, id);
GRANT SELECT, INSERT ON meeting_minutes TO hub_app;

-- THE RULE (see the top): whether the session sees minutes with these
-- columns. The policy below and internal/meetings' queries both call it.
-- Not inlined (a boolean around EXISTS): minutes are read a meeting at a
-- time.
CREATE FUNCTION hub_minutes_visible(p_org uuid, p_meeting uuid, p_individual uuid, p_class information_class) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT p_org = hub_current_org()
              OR (EXISTS (SELECT 1 FROM meetings m WHERE m.id = p_meeting)
                  AND (p_individual IS NULL OR EXISTS (SELECT 1 FROM hub_shares_class(p_individual, p_class)))) $$;
REVOKE ALL ON FUNCTION hub_minutes_visible(uuid, uuid, uuid, information_class) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub_minutes_visible(uuid, uuid, uuid, information_class) TO hub_app;

ALTER TABLE meeting_minutes ENABLE ROW LEVEL SECURITY;
CREATE POLICY writer_or_consented ON meeting_minutes FOR SELECT USING (
    hub_minutes_visible(org_id, meeting_id, individual_id, class));
-- A party of a meeting it sees writes minutes of its own classes, under
-- the meeting's purpose, naming the meeting's person (or none).
CREATE POLICY party_insert ON meeting_minutes FOR INSERT WITH CHECK (
    org_id = (SELECT hub_current_org())
    AND user_id = (SELECT hub_current_user())
    AND recorded_at = (SELECT hub_now())
    AND starts_with(class::text, (SELECT hub_own_class_prefix()))
    AND EXISTS (SELECT 1 FROM meetings m WHERE m.id = meeting_minutes.meeting_id
                AND meeting_minutes.org_id = ANY (m.party_org_ids)
                AND m.purpose = meeting_minutes.purpose
                AND m.individual_id IS NOT DISTINCT FROM meeting_minutes.individual_id
                AND m.case_org_id IS NOT DISTINCT FROM meeting_minutes.case_org_id));

---- create above / drop below ----
DROP TABLE meeting_minutes;
DROP FUNCTION hub_minutes_visible(uuid, uuid, uuid, information_class);
DROP TYPE meeting_note_kind;
DROP TABLE meeting_reminders;
LOCK TABLE tasks IN ACCESS EXCLUSIVE MODE;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM tasks WHERE kind::text = 'PAMINNELSE' AND case_id IS NULL) THEN
        RAISE EXCEPTION 'cannot undo migration 037: reminders that name no case exist';
    END IF;
END
$$;
ALTER TABLE tasks DROP CONSTRAINT tasks_classes_with_case;
ALTER TABLE tasks ADD CONSTRAINT tasks_check2 CHECK ((kind = 'KONSULTATION') = (cardinality(classes) = 0));
ALTER TABLE tasks DROP CONSTRAINT tasks_case_unless_konsultation_or_reminder;
ALTER TABLE tasks ADD CONSTRAINT tasks_check CHECK ((kind = 'KONSULTATION') = (case_id IS NULL));
