-- Timers and reminders (issue 13 §4; docs/timers.md). The hub's timer
-- jobs run in river (migrations 024 and 025) on every replica and act through the
-- application layer like any request: as the organisation whose data
-- they change, in a unit of work, audited with operation type 'job'.
--
-- * An overdue task escalates along the fallback chain of the directory
--   entry it was routed to, done by its sender organisation (which sees
--   its task under row security): the task's recipient, entry, level,
--   due date and the samtycke it goes under change, and its history gets
--   an ESCALATED step naming the new entry.
-- * Reminders are tasks of kind PAMINNELSE from a case's owner to the
--   case's lead unit: no entry of en väg in routes them, so they are the
--   only tasks whose sender and recipient organisation are one and whose
--   entry is NULL. case_reminders keeps each occasion once (its key).

ALTER TABLE audit_records DROP CONSTRAINT audit_records_operation_type_check;
ALTER TABLE audit_records ADD CONSTRAINT audit_records_operation_type_check
    CHECK (operation_type IN ('query', 'mutation', 'subscription', 'http', 'cli', 'job'));

-- (A value added in this transaction cannot be used in it: the checks
-- below compare the kind as text.)
ALTER TYPE task_kind ADD VALUE 'PAMINNELSE';
ALTER TABLE tasks ALTER COLUMN routed_entry_id DROP NOT NULL;
ALTER TABLE tasks ADD CONSTRAINT tasks_routed_unless_reminder CHECK ((kind::text = 'PAMINNELSE') = (routed_entry_id IS NULL));
ALTER TABLE tasks DROP CONSTRAINT tasks_check5;
ALTER TABLE tasks ADD CONSTRAINT tasks_to_another_unless_reminder CHECK (sender_org_id <> recipient_org_id OR kind::text = 'PAMINNELSE');
-- The escalation job, as the sender, moves the task to the next entry.
GRANT UPDATE (routed_entry_id, recipient_org_id, recipient_unit_id, escalation_level, due_on, consent_id) ON tasks TO hub_app;

-- One reminder per case, reason and occasion (the end of a wait, the
-- case's opening, the first sick-leave item, an anniversary).
CREATE TABLE case_reminders (
    case_id    uuid NOT NULL REFERENCES cases (id),
    org_id     uuid NOT NULL REFERENCES organizations (id), -- the case's owner
    reason     text NOT NULL CHECK (reason IN ('WAIT_ENDED', 'NO_JOINT_PLANNING', 'AF_DEREGISTRATION', 'YEARLY_REVIEW')),
    occasion   date NOT NULL,
    task_id    uuid NOT NULL REFERENCES tasks (id),
    created_at timestamptz NOT NULL,
    PRIMARY KEY (case_id, reason, occasion)
);
GRANT SELECT, INSERT ON case_reminders TO hub_app;
ALTER TABLE case_reminders ENABLE ROW LEVEL SECURITY;
CREATE POLICY owner_read ON case_reminders FOR SELECT USING (org_id = (SELECT hub_current_org()));
CREATE POLICY owner_insert ON case_reminders FOR INSERT WITH CHECK (
    org_id = (SELECT hub_current_org())
    AND EXISTS (SELECT 1 FROM cases c WHERE c.id = case_reminders.case_id AND c.org_id = case_reminders.org_id));

---- create above / drop below ----

LOCK TABLE audit_records IN ACCESS EXCLUSIVE MODE;
LOCK TABLE tasks IN ACCESS EXCLUSIVE MODE;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM audit_records WHERE operation_type = 'job') THEN
        RAISE EXCEPTION 'cannot undo migration 026: audit records of timer jobs exist';
    END IF;
    IF EXISTS (SELECT 1 FROM tasks WHERE kind::text = 'PAMINNELSE') THEN
        RAISE EXCEPTION 'cannot undo migration 026: reminder tasks exist';
    END IF;
END
$$;
DROP TABLE case_reminders;
REVOKE UPDATE (routed_entry_id, recipient_org_id, recipient_unit_id, escalation_level, due_on, consent_id) ON tasks FROM hub_app;
ALTER TABLE tasks DROP CONSTRAINT tasks_to_another_unless_reminder;
ALTER TABLE tasks ADD CONSTRAINT tasks_check5 CHECK (sender_org_id <> recipient_org_id);
ALTER TABLE tasks DROP CONSTRAINT tasks_routed_unless_reminder;
ALTER TABLE tasks ALTER COLUMN routed_entry_id SET NOT NULL;
ALTER TABLE tasks DROP CONSTRAINT tasks_check, DROP CONSTRAINT tasks_check2;
ALTER TYPE task_kind RENAME TO task_kind_026;
CREATE TYPE task_kind AS ENUM (
    'SIGNAL_SJUKSKRIVNING', 'ANSOKAN_SAMORDNAD_REHABILITERING', 'FRAGA_MEDICINSKT_UNDERLAG',
    'BEGARAN_GEMENSAM_KARTLAGGNING', 'KALLELSE_SIP', 'AF_INSKRIVNING', 'KONSULTATION'
);
ALTER TABLE tasks ALTER COLUMN kind TYPE task_kind USING kind::text::task_kind;
DROP TYPE task_kind_026;
ALTER TABLE tasks ADD CONSTRAINT tasks_check CHECK ((kind = 'KONSULTATION') = (case_id IS NULL)),
    ADD CONSTRAINT tasks_check2 CHECK ((kind = 'KONSULTATION') = (cardinality(classes) = 0));

ALTER TABLE audit_records DROP CONSTRAINT audit_records_operation_type_check;
ALTER TABLE audit_records ADD CONSTRAINT audit_records_operation_type_check
    CHECK (operation_type IN ('query', 'mutation', 'subscription', 'http', 'cli'));
