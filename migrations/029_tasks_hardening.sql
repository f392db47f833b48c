-- Tasks between agencies, hardened after the security review of
-- migration 023 (docs/tasks.md, "Who sees what" and "Row-level
-- security").
--
-- It has three parts: who sees what (the application's rule), the writes
-- row security lets through (a second line), and the one SECURITY
-- DEFINER question a sender asks.
--
-- WHO SEES WHAT. Each party of a task sees the text it wrote itself (the
-- sender its subject and body, the recipient its rejection reason, each
-- its own notes of the history). The text of the other party, and for a
-- sender that does not own the case the case and person, are shown only
-- under the sharing rule for that party's information: internal/tasks
-- renders it (with internal/consent) for the reader. hub_org_classes says
-- which information classes an organisation writes (what its free text may
-- carry), so that the rule can ask for all of them.

-- The user the transaction acts for (the setting hub.user_id, set with
-- hub.org_id by the application's unit of work), or NULL.
CREATE FUNCTION hub_current_user() RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT nullif(current_setting('hub.user_id', true), '') $$;
GRANT EXECUTE ON FUNCTION hub_current_user() TO hub_app;

-- The information classes an organisation writes: its kind's (KOMMUN_* for
-- a municipality, FK_*, AF_*, VARD_* for a region; none for a
-- samordningsförbund), as hub_own_class_prefix (migration 011) and
-- internal/consent (Class.Source) say.
CREATE FUNCTION hub_org_classes(p_org uuid) RETURNS information_class[]
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT coalesce(array_agg(c ORDER BY c), '{}')
          FROM organizations o, unnest(enum_range(NULL::information_class)) c
          WHERE o.id = p_org
            AND starts_with(c::text, CASE o.kind::text WHEN 'KOMMUN' THEN 'KOMMUN_' WHEN 'FK' THEN 'FK_'
                                                       WHEN 'AF' THEN 'AF_' WHEN 'REGION' THEN 'VARD_' END) $$;
REVOKE ALL ON FUNCTION hub_org_classes(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub_org_classes(uuid) TO hub_app;


-- THE WRITES. Migration 023 let a party insert a task in any state, under
-- any user, unit, escalation level and time, naming any samtycke, insert
-- history steps back-dated and in another's name, and move a task it sent
-- to KLAR and assign it. Now row security and one trigger hold hub_app to
-- what the application writes (internal/tasks/queries.sql):
--
--   * a task is inserted by its sender, now (hub_now()), as the session's
--     user and unit, SKICKAD, unassigned, unescalated, under the declared
--     purpose, carrying only the sender's own classes, routed to a
--     directory entry of the recipient it names, due within a year, about
--     a case the sender sees, and naming exactly the samtycke that shares
--     the task with the recipient (hub_task_samtycke), or none when none
--     is needed (a KONSULTATION; the case's own municipality for its own
--     classes);
--   * an update is a step of the task's state machine that the writer's
--     side takes (hub_task_step: the recipient receives, accepts, rejects
--     with a reason, starts, completes; the sender cancels), the
--     recipient's columns (assignee) only by the recipient, stamped now
--     (trigger task_party_update);
--   * a history step is written now, in the session's user's, unit's and
--     organisation's name, of its kind's shape: the creation once, by the
--     sender, with the task; a step of state its side takes, from the
--     task's state (or to it, in the same request); an assignment by the
--     recipient; an escalation by the sender, of a task not yet accepted.
--
-- What stays possible: a party can write a step of state (the sender: an
-- escalation) into the history that its side may take without the task
-- moving with it in the same statement (the statement that moves it
-- writes the step in a CTE, whose policy sees the task before the move).
-- It is in its own name, now.
--
-- THE ESCALATION JOB (the timer that escalates overdue tasks along the
-- routed entry's fallback chain) changes routed_entry_id,
-- recipient_org_id, recipient_unit_id, escalation_level, due_on and
-- consent_id, which migration 023 does not let hub_app update. Two ways
-- are open, and both are held:
--   * as the sender organisation through hub_app (a unit of work of the
--     sender, under the task's purpose), once hub_app is granted UPDATE on
--     those columns: the trigger then allows only the sender to move a
--     task not yet accepted one level on, to a directory entry of the new
--     recipient, due within a year, under exactly the samtycke
--     hub_task_samtycke gives for the new recipient (or none when none is
--     needed); the ESCALATED step is the sender's, in its own name, now;
--   * as a system actor: the owner's connection, or a narrowly scoped
--     SECURITY DEFINER function owned by the owner (SET search_path,
--     EXECUTE granted to the role that runs it, checking that the task is
--     open and overdue and that the entry is the next of the chain). Row
--     security does not apply to the owner, and the trigger holds only
--     writers row security holds (row_security_active).
-- A reminder to the own organisation with no entry (routed_entry_id NULL,
-- sender = recipient), if the table allows one, is inserted like a task.

-- The side that takes the step of a task from p_from to p_to, or NULL: the
-- state machine of internal/tasks (machine), which a test compares.
CREATE FUNCTION hub_task_step(p_from task_state, p_to task_state) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE
              WHEN p_from = 'SKICKAD' AND p_to = 'MOTTAGEN' THEN 'RECIPIENT'
              WHEN p_from = 'MOTTAGEN' AND p_to IN ('ACCEPTERAD', 'AVVISAD') THEN 'RECIPIENT'
              WHEN p_from = 'ACCEPTERAD' AND p_to = 'PAGAENDE' THEN 'RECIPIENT'
              WHEN p_from = 'PAGAENDE' AND p_to = 'KLAR' THEN 'RECIPIENT'
              WHEN p_from IN ('SKICKAD', 'MOTTAGEN', 'ACCEPTERAD', 'PAGAENDE') AND p_to = 'AVBRUTEN' THEN 'SENDER'
          END $$;
GRANT EXECUTE ON FUNCTION hub_task_step(task_state, task_state) TO hub_app;

-- The classes of a task that a samtycke must share with its recipient:
-- all of them, except the case owner's own when it is the recipient (the
-- person's municipality sees its own information; internal/app/tasks,
-- requireSamtycke).
CREATE FUNCTION hub_task_needed_classes(p_classes information_class[], p_recipient uuid, p_case_org uuid)
    RETURNS information_class[]
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT coalesce(array_agg(c ORDER BY c), '{}') FROM unnest(p_classes) c
          WHERE p_recipient IS DISTINCT FROM p_case_org OR NOT c = ANY (hub_org_classes(p_case_org)) $$;
GRANT EXECUTE ON FUNCTION hub_task_needed_classes(information_class[], uuid, uuid) TO hub_app;

-- Whether a samtycke in force shares the person and the classes p_classes
-- with the organisation p_org (or its unit p_unit) for the purpose
-- p_purpose: the samtycke's id (the lowest of several), or NULL.
--
-- Why it is SECURITY DEFINER: the sender of a task must check a samtycke
-- that names another organisation (the vårdcentral checks that the
-- municipality's samtycke names the municipality's ekonomiskt bistånd;
-- the municipality that FK is named), and row security shows a grant only
-- to its owner and its grantee. Why it is safe (since this migration):
--   * it answers only the question a sender asks before sending its own
--     information: p_purpose must be the purpose the request declared
--     (hub.purpose), and p_classes one or more of the caller's own
--     organisation's classes (hub_org_classes); anything else is refused
--     (insufficient_privilege), so it cannot be used to learn what other
--     organisations' samtycken share, or for which purposes;
--   * it answers only about a person the caller may see: one of the
--     caller's organisation's own, or one a samtycke in force shares with
--     the caller under the purpose it declared (hub_shares_person, which
--     reads the caller's hub.* settings as every rule does); anyone else
--     gets NULL, as if there were no samtycke;
--   * it returns only the id of the samtycke that allows the caller's own
--     send, which the task and its audit record then name; never the
--     samtycke's contents, its other grantees or classes;
--   * its search_path is fixed, and only the application role may call it.
CREATE OR REPLACE FUNCTION hub_task_samtycke(p_individual uuid, p_org uuid, p_unit uuid, p_purpose consent_purpose,
                                             p_classes information_class[]) RETURNS uuid
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
BEGIN
    IF p_purpose IS NULL OR p_purpose::text IS DISTINCT FROM hub_current_purpose() THEN
        RAISE EXCEPTION 'a samtycke for a task is asked for the purpose the request declared'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF coalesce(cardinality(p_classes), 0) = 0 OR NOT p_classes <@ hub_org_classes(hub_current_org()) THEN
        RAISE EXCEPTION 'a samtycke for a task is asked for one or more of the own organisation''s information classes'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN (
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
        LIMIT 1);
END $$;

DROP POLICY sender_insert ON tasks;
CREATE POLICY sender_insert ON tasks FOR INSERT WITH CHECK (
    sender_org_id = (SELECT hub_current_org())
    AND sender_unit_id IS NOT DISTINCT FROM (SELECT hub_current_unit())
    AND sender_user_id = (SELECT hub_current_user())
    AND created_at = (SELECT hub_now()) AND updated_at = created_at
    AND state = 'SKICKAD' AND escalation_level = 0
    AND assignee_user_id IS NULL AND assignee_name IS NULL AND reject_reason IS NULL
    AND purpose::text = (SELECT hub_current_purpose())
    AND classes <@ (SELECT hub_org_classes(hub_current_org()))
    AND due_on BETWEEN (SELECT hub_today()) AND (SELECT hub_today()) + 366
    AND (EXISTS (SELECT 1 FROM directory_entries d WHERE d.id = tasks.routed_entry_id
                 AND d.org_id = tasks.recipient_org_id AND d.unit_id IS NOT DISTINCT FROM tasks.recipient_unit_id)
         OR (routed_entry_id IS NULL AND recipient_org_id = sender_org_id)) -- a reminder to the own organisation, if the table allows one
    AND CASE WHEN case_id IS NULL THEN consent_id IS NULL
        ELSE EXISTS (SELECT 1 FROM cases c WHERE c.id = tasks.case_id
                     AND c.individual_id = tasks.individual_id AND c.org_id = tasks.case_org_id)
             AND CASE WHEN cardinality(hub_task_needed_classes(classes, recipient_org_id, case_org_id)) = 0
                      THEN consent_id IS NULL
                      ELSE consent_id = hub_task_samtycke(individual_id, recipient_org_id, recipient_unit_id, purpose,
                                                          hub_task_needed_classes(classes, recipient_org_id, case_org_id))
                 END
        END);

DROP POLICY party_update ON tasks;
CREATE POLICY party_update ON tasks FOR UPDATE
    USING (sender_org_id = (SELECT hub_current_org())
           OR (recipient_org_id = (SELECT hub_current_org())
               AND (recipient_unit_id IS NULL OR recipient_unit_id = (SELECT hub_current_unit()))))
    WITH CHECK ((sender_org_id = (SELECT hub_current_org())
                 OR (recipient_org_id = (SELECT hub_current_org())
                     AND (recipient_unit_id IS NULL OR recipient_unit_id = (SELECT hub_current_unit()))))
                AND updated_at = (SELECT hub_now()));

-- What a party's update may change, comparing the row before and after
-- (row security sees only the row after). Only for writers row security
-- holds: the owner (the escalation job) is trusted, as row security
-- trusts it.
CREATE FUNCTION hub_task_party_update() RETURNS trigger
    LANGUAGE plpgsql SET search_path = public, pg_temp
    AS $$
DECLARE
    org       uuid := hub_current_org();
    sender    boolean := coalesce(OLD.sender_org_id = hub_current_org(), false);
    recipient boolean := coalesce(OLD.recipient_org_id = hub_current_org()
                                  AND (OLD.recipient_unit_id IS NULL OR OLD.recipient_unit_id = hub_current_unit()), false);
    step      text := coalesce(hub_task_step(OLD.state, NEW.state), '');
    needed    information_class[];
BEGIN
    IF NOT row_security_active('tasks') THEN
        RETURN NEW;
    END IF;
    IF org IS NULL OR NOT (sender OR recipient) THEN
        RAISE EXCEPTION 'only the task''s parties change it' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.state IS DISTINCT FROM OLD.state
       AND NOT ((step = 'SENDER' AND sender) OR (step = 'RECIPIENT' AND recipient)) THEN
        RAISE EXCEPTION 'the task cannot go from % to % as this party', OLD.state, NEW.state
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.reject_reason IS DISTINCT FROM OLD.reject_reason
       AND NOT (recipient AND step = 'RECIPIENT' AND NEW.state = 'AVVISAD') THEN
        RAISE EXCEPTION 'only the recipient, rejecting the task, gives a reason' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (NEW.assignee_user_id, NEW.assignee_name) IS DISTINCT FROM (OLD.assignee_user_id, OLD.assignee_name)
       AND NOT recipient THEN
        RAISE EXCEPTION 'only the recipient assigns the task' USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- Escalation, if hub_app is granted the routing columns (the escalation
    -- job acting as the sender): one level on, while not yet accepted, to
    -- an entry of the new recipient, due within a year, under exactly the
    -- samtycke that shares the task with the new recipient (none when none
    -- is needed). Without that grant hub_app cannot change these at all.
    IF (NEW.routed_entry_id, NEW.recipient_org_id, NEW.recipient_unit_id, NEW.escalation_level, NEW.due_on, NEW.consent_id)
       IS DISTINCT FROM (OLD.routed_entry_id, OLD.recipient_org_id, OLD.recipient_unit_id, OLD.escalation_level, OLD.due_on, OLD.consent_id) THEN
        needed := hub_task_needed_classes(NEW.classes, NEW.recipient_org_id, NEW.case_org_id);
        IF NOT sender OR NEW.state IS DISTINCT FROM OLD.state OR OLD.state NOT IN ('SKICKAD', 'MOTTAGEN')
           OR NEW.escalation_level IS DISTINCT FROM OLD.escalation_level + 1
           OR NOT coalesce(NEW.due_on BETWEEN hub_today() AND hub_today() + 366, false)
           OR NOT EXISTS (SELECT 1 FROM directory_entries d WHERE d.id = NEW.routed_entry_id
                          AND d.org_id = NEW.recipient_org_id AND d.unit_id IS NOT DISTINCT FROM NEW.recipient_unit_id)
           OR NEW.consent_id IS DISTINCT FROM
              (CASE WHEN NEW.case_id IS NULL OR cardinality(needed) = 0 THEN NULL
                    ELSE hub_task_samtycke(NEW.individual_id, NEW.recipient_org_id, NEW.recipient_unit_id, NEW.purpose, needed) END)
           OR (NEW.case_id IS NOT NULL AND cardinality(needed) > 0 AND NEW.consent_id IS NULL) THEN
            RAISE EXCEPTION 'only the sender escalates the task, one level on, to an entry a samtycke allows'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER task_party_update BEFORE UPDATE ON tasks FOR EACH ROW EXECUTE FUNCTION hub_task_party_update();

-- A task is created once.
CREATE UNIQUE INDEX task_events_created ON task_events (task_id) WHERE kind = 'CREATED';

DROP POLICY actor_insert ON task_events;
CREATE POLICY actor_insert ON task_events FOR INSERT WITH CHECK (
    actor_org_id = (SELECT hub_current_org())
    AND actor_unit_id IS NOT DISTINCT FROM (SELECT hub_current_unit())
    AND actor_user_id = (SELECT hub_current_user())
    AND at = (SELECT hub_now())
    AND EXISTS (SELECT 1 FROM tasks t WHERE t.id = task_events.task_id
        AND CASE task_events.kind
            WHEN 'CREATED' THEN t.sender_org_id = task_events.actor_org_id AND t.created_at = task_events.at
                 AND task_events.from_state IS NULL AND task_events.to_state = 'SKICKAD'
                 AND task_events.note IS NULL AND task_events.routed_entry_id IS NOT DISTINCT FROM t.routed_entry_id
            WHEN 'STATE' THEN ((hub_task_step(task_events.from_state, task_events.to_state) = 'SENDER'
                                AND t.sender_org_id = task_events.actor_org_id)
                               OR (hub_task_step(task_events.from_state, task_events.to_state) = 'RECIPIENT'
                                   AND t.recipient_org_id = task_events.actor_org_id))
                 AND (t.state = task_events.from_state OR (t.state = task_events.to_state AND t.updated_at = task_events.at))
                 AND (task_events.note IS NULL OR task_events.to_state = 'AVVISAD')
                 AND task_events.routed_entry_id IS NULL
            WHEN 'ASSIGNED' THEN t.recipient_org_id = task_events.actor_org_id
                 AND task_events.from_state IS NULL AND task_events.to_state = t.state
                 AND task_events.note IS NOT NULL AND task_events.routed_entry_id IS NULL
            -- The escalation job acting as the sender (the move itself is
            -- held by the trigger: in the same statement the policy sees
            -- the task before it, so not its new entry).
            WHEN 'ESCALATED' THEN t.sender_org_id = task_events.actor_org_id
                 AND task_events.from_state = t.state AND task_events.to_state = t.state
                 AND t.state IN ('SKICKAD', 'MOTTAGEN')
                 AND task_events.note IS NULL AND task_events.routed_entry_id IS NOT NULL
            ELSE false
        END));
---- create above / drop below ----
DROP POLICY actor_insert ON task_events;
CREATE POLICY actor_insert ON task_events FOR INSERT WITH CHECK (
    actor_org_id = (SELECT hub_current_org())
    AND EXISTS (SELECT 1 FROM tasks t WHERE t.id = task_events.task_id));
DROP INDEX task_events_created;
DROP TRIGGER task_party_update ON tasks;
DROP FUNCTION hub_task_party_update();
DROP POLICY party_update ON tasks;
CREATE POLICY party_update ON tasks FOR UPDATE
    USING (sender_org_id = (SELECT hub_current_org())
           OR (recipient_org_id = (SELECT hub_current_org())
               AND (recipient_unit_id IS NULL OR recipient_unit_id = (SELECT hub_current_unit()))))
    WITH CHECK (sender_org_id = (SELECT hub_current_org()) OR recipient_org_id = (SELECT hub_current_org()));
DROP POLICY sender_insert ON tasks;
CREATE POLICY sender_insert ON tasks FOR INSERT WITH CHECK (
    sender_org_id = (SELECT hub_current_org())
    AND (case_id IS NULL OR EXISTS (SELECT 1 FROM cases c WHERE c.id = tasks.case_id
         AND c.individual_id = tasks.individual_id AND c.org_id = tasks.case_org_id)));
CREATE OR REPLACE FUNCTION hub_task_samtycke(p_individual uuid, p_org uuid, p_unit uuid, p_purpose consent_purpose,
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
DROP FUNCTION hub_task_needed_classes(information_class[], uuid, uuid);
DROP FUNCTION hub_task_step(task_state, task_state);
DROP FUNCTION hub_org_classes(uuid);
DROP FUNCTION hub_current_user();
