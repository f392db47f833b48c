-- Tasks between agencies (issue 13 §3): a request from one organisation to
-- another about a case (or, as a KONSULTATION, about no one), addressed
-- through en väg in to a function's queue (a directory entry: its
-- organisation and unit), never to a named person.
--
-- A task row is seen by the sender organisation and by the recipient's
-- queue (its unit, or the whole organisation when the entry names no
-- unit): row-level security below. Its personal content (the case and
-- person, subject, body, the reason of a rejection) is masked in the
-- application's query by the sharing rule (internal/tasks, rendered with
-- internal/consent): the recipient sees it while a samtycke in force
-- shares the person and every class of the task with it under the
-- purpose it declares (the case's owner needs that only for the classes
-- that are not its own). A revocation therefore hides the content on the
-- very next statement, while the de-identified remainder (kind, state,
-- dates, who sent it where) stays, so the receiver knows a task was
-- withdrawn.
--
-- task_events is each task's history: its creation and routing, every
-- change of state, assignment and (later, by a timer job) escalation
-- along the entry's fallback chain, with who and when.

CREATE TYPE task_kind AS ENUM (
    'SIGNAL_SJUKSKRIVNING', 'ANSOKAN_SAMORDNAD_REHABILITERING', 'FRAGA_MEDICINSKT_UNDERLAG',
    'BEGARAN_GEMENSAM_KARTLAGGNING', 'KALLELSE_SIP', 'AF_INSKRIVNING', 'KONSULTATION'
);
CREATE TYPE task_state AS ENUM ('SKICKAD', 'MOTTAGEN', 'ACCEPTERAD', 'AVVISAD', 'PAGAENDE', 'KLAR', 'AVBRUTEN');

CREATE TABLE tasks (
    id                uuid PRIMARY KEY,
    kind              task_kind NOT NULL,
    state             task_state NOT NULL,
    purpose           consent_purpose NOT NULL,
    classes           information_class[] NOT NULL,
    -- The case and its person; NULL only for a KONSULTATION.
    case_id           uuid REFERENCES cases (id),
    individual_id     uuid REFERENCES individuals (id),
    case_org_id       uuid REFERENCES organizations (id),
    sender_org_id     uuid NOT NULL REFERENCES organizations (id),
    sender_unit_id    uuid REFERENCES units (id),
    sender_user_id    text NOT NULL,
    -- What the sender asked en väg in, and the entry it routed to.
    topic             text NOT NULL CHECK (topic ~ '^[A-Z][A-Z_]{0,39}$'),
    municipality_code text NOT NULL CHECK (municipality_code ~ '^[0-9]{4}$'),
    routed_entry_id   uuid NOT NULL REFERENCES directory_entries (id),
    recipient_org_id  uuid NOT NULL REFERENCES organizations (id),
    recipient_unit_id uuid REFERENCES units (id),
    assignee_user_id  text CHECK (length(assignee_user_id) BETWEEN 1 AND 200),
    assignee_name     text CHECK (length(assignee_name) BETWEEN 1 AND 200),
    subject           text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
    body              text NOT NULL CHECK (length(body) <= 4000),
    due_on            date NOT NULL,
    -- How far along the entry's fallback chain the task has been escalated
    -- (0: at the entry it was routed to).
    escalation_level  integer NOT NULL DEFAULT 0 CHECK (escalation_level BETWEEN 0 AND 10),
    reject_reason     text CHECK (length(reject_reason) BETWEEN 1 AND 2000),
    -- The samtycke that allowed sending it (NULL: a KONSULTATION, or a
    -- task whose classes are all the recipient's own).
    consent_id        uuid REFERENCES consents (id),
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    CHECK ((kind = 'KONSULTATION') = (case_id IS NULL)),
    CHECK ((case_id IS NULL) = (individual_id IS NULL) AND (case_id IS NULL) = (case_org_id IS NULL)),
    CHECK ((kind = 'KONSULTATION') = (cardinality(classes) = 0)),
    CHECK (cardinality(classes) <= 9),
    CHECK ((state = 'AVVISAD') = (reject_reason IS NOT NULL)),
    CHECK ((assignee_user_id IS NULL) = (assignee_name IS NULL)),
    CHECK (sender_org_id <> recipient_org_id)
);
-- A unit's inbox and an organisation's sent tasks, newest first.
CREATE INDEX tasks_inbox ON tasks (recipient_org_id, recipient_unit_id, created_at DESC, id DESC);
CREATE INDEX tasks_sent ON tasks (sender_org_id, created_at DESC, id DESC);
CREATE INDEX tasks_case ON tasks (case_id) WHERE case_id IS NOT NULL;
-- For the escalation job: open tasks by due date.
CREATE INDEX tasks_due ON tasks (due_on) WHERE state IN ('SKICKAD', 'MOTTAGEN', 'ACCEPTERAD', 'PAGAENDE');

GRANT SELECT, INSERT ON tasks TO hub_app;
GRANT UPDATE (state, assignee_user_id, assignee_name, reject_reason, updated_at) ON tasks TO hub_app;

-- The sender organisation and the recipient's queue; nobody else, whatever
-- a samtycke says (a samtycke decides the content, not the row).
ALTER TABLE tasks ENABLE ROW LEVEL SECURITY;
CREATE POLICY party_read ON tasks FOR SELECT USING (
    sender_org_id = (SELECT hub_current_org())
    OR (recipient_org_id = (SELECT hub_current_org())
        AND (recipient_unit_id IS NULL OR recipient_unit_id = (SELECT hub_current_unit()))));
-- The sender writes a task about a case it can see (the case's own row
-- security decides: its owner, or a samtycke sharing the person).
CREATE POLICY sender_insert ON tasks FOR INSERT WITH CHECK (
    sender_org_id = (SELECT hub_current_org())
    AND (case_id IS NULL OR EXISTS (SELECT 1 FROM cases c WHERE c.id = tasks.case_id
         AND c.individual_id = tasks.individual_id AND c.org_id = tasks.case_org_id)));
CREATE POLICY party_update ON tasks FOR UPDATE
    USING (sender_org_id = (SELECT hub_current_org())
           OR (recipient_org_id = (SELECT hub_current_org())
               AND (recipient_unit_id IS NULL OR recipient_unit_id = (SELECT hub_current_unit()))))
    WITH CHECK (sender_org_id = (SELECT hub_current_org()) OR recipient_org_id = (SELECT hub_current_org()));

CREATE TABLE task_events (
    id              uuid PRIMARY KEY,
    -- The order of a task's events: several may share one request's time.
    seq             bigint GENERATED ALWAYS AS IDENTITY,
    task_id         uuid NOT NULL REFERENCES tasks (id),
    at              timestamptz NOT NULL,
    actor_org_id    uuid NOT NULL REFERENCES organizations (id),
    actor_unit_id   uuid REFERENCES units (id),
    actor_user_id   text NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('CREATED', 'STATE', 'ASSIGNED', 'ESCALATED')),
    from_state      task_state,
    to_state        task_state NOT NULL,
    -- The reason of a rejection, the assignee's name: personal content,
    -- masked like the task's.
    note            text CHECK (length(note) BETWEEN 1 AND 2000),
    routed_entry_id uuid REFERENCES directory_entries (id)
);
CREATE INDEX task_events_task ON task_events (task_id, seq);
GRANT SELECT, INSERT ON task_events TO hub_app;
ALTER TABLE task_events ENABLE ROW LEVEL SECURITY;
-- A task's history is seen by whoever sees the task (its row security).
CREATE POLICY party_read ON task_events FOR SELECT USING (
    EXISTS (SELECT 1 FROM tasks t WHERE t.id = task_events.task_id));
CREATE POLICY actor_insert ON task_events FOR INSERT WITH CHECK (
    actor_org_id = (SELECT hub_current_org())
    AND EXISTS (SELECT 1 FROM tasks t WHERE t.id = task_events.task_id));

-- Whether a samtycke in force shares the person and the classes p_classes
-- with the organisation p_org (or its unit p_unit) for the purpose
-- p_purpose: the samtycke's id (the lowest of several), or NULL.
--
-- Why it is SECURITY DEFINER: the sender of a task must check a samtycke
-- that names another organisation (the vårdcentral checks that the
-- municipality's samtycke names the municipality's ekonomiskt bistånd;
-- the municipality that FK is named), and row security shows a grant only
-- to its owner and its grantee. Why it is safe:
--   * it answers only about a person the caller may see: one of the
--     caller's organisation's own, or one a samtycke in force shares with
--     the caller under the purpose it declared (hub_shares_person, which
--     reads the caller's hub.* settings as every rule does); anyone else
--     gets NULL, as if there were no samtycke;
--   * it answers one yes/no question (the id of a samtycke the caller's
--     task will name in its audit record), never the samtycke's contents,
--     its other grantees or classes;
--   * its search_path is fixed, and only the application role may call it.
CREATE FUNCTION hub_task_samtycke(p_individual uuid, p_org uuid, p_unit uuid, p_purpose consent_purpose,
                                  p_classes information_class[]) RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
    SELECT g.consent_id FROM consent_grants g
    WHERE g.individual_id = p_individual
      AND (EXISTS (SELECT 1 FROM individuals i WHERE i.id = p_individual AND i.org_id = hub_current_org())
           OR EXISTS (SELECT 1 FROM hub_shares_person(p_individual)))
      AND g.revoked_at IS NULL
      AND g.grantee_org_id = p_org
      AND (g.grantee_unit_id IS NULL OR g.grantee_unit_id = p_unit)
      AND g.kind = 'OSL_SEKRETESSBRYTANDE'
      AND p_purpose = ANY (g.purposes)
      AND g.classes @> p_classes
      AND g.valid_from <= hub_today() AND hub_today() <= g.valid_until
    ORDER BY g.consent_id
    LIMIT 1 $$;
REVOKE ALL ON FUNCTION hub_task_samtycke(uuid, uuid, uuid, consent_purpose, information_class[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub_task_samtycke(uuid, uuid, uuid, consent_purpose, information_class[]) TO hub_app;

---- create above / drop below ----
DROP FUNCTION hub_task_samtycke(uuid, uuid, uuid, consent_purpose, information_class[]);
DROP TABLE task_events;
DROP TABLE tasks;
DROP TYPE task_state;
DROP TYPE task_kind;
