-- A task's personal content behind the database, not only the
-- application's query (the security review of tasks, finding 3;
-- docs/tasks.md, "Who sees what" and "Row-level security").
--
-- Until now row security held WHICH tasks a party sees and what it may
-- write, but hub_app could SELECT the subject, body, rejection reason and
-- case of any task it is a party to, and every step's note: only the
-- application's query masked them by the sharing rule, so a query that
-- forgot the mask would hand a recipient whose samtycke was revoked the
-- whole text. Now:
--
--   * hub_app may no longer SELECT tasks.subject, tasks.body,
--     tasks.reject_reason, tasks.case_id nor task_events.note (it still
--     INSERTs and UPDATEs them as before: writing needs no read, and the
--     policies and the trigger of migration 029 see the row as they did);
--   * it reads them only through two SECURITY DEFINER functions,
--     hub_task_content (a task's) and hub_task_event_note (a step's),
--     which return each part NULL unless the sharing rule shows it to the
--     calling session (its hub.* settings: organisation, unit, purpose),
--     and nothing at all for a task the session is no party to;
--   * the rule itself is stated once, here (hub_task_text_shown and
--     hub_task_content), instead of in Go (internal/tasks rendered it with
--     internal/consent until now); the application's queries call the
--     functions.
--
-- What hub_app still reads of a task: its kind, state, purpose, classes,
-- dates, who sent it where, its assignee, the samtycke it was sent under,
-- and the person's id and its municipality (individual_id, case_org_id).
-- Those two it needs for every task it touches, also when the content is
-- hidden: a write about the person (a rejection after a revocation, an
-- escalation) is a row of the person's loggutdrag all the same, and the
-- escalation job asks hub_task_samtycke about the person. They are bare
-- ids: who the person is and what the case holds are behind the row
-- security of individuals and cases (owner, or hub_shares_person).
--
-- The scope (what the principal's roles allow: its own organisation's,
-- and what samtycken share with it; authz decides) is passed in as two
-- booleans, p_own and p_consented. They can only narrow: with both true
-- the functions show what the rule shows the session and nothing more.

-- The task t is the session's: its organisation sent it, or it is in the
-- session's queue (the recipient organisation, and its unit when the entry
-- it was routed to names one). As the policy party_read of migration 023.
CREATE FUNCTION hub_task_is_party(p_sender uuid, p_recipient uuid, p_recipient_unit uuid) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT coalesce(p_sender = hub_current_org()
                          OR (p_recipient = hub_current_org()
                              AND (p_recipient_unit IS NULL OR p_recipient_unit = hub_current_unit())), false) $$;
REVOKE ALL ON FUNCTION hub_task_is_party(uuid, uuid, uuid) FROM PUBLIC;

-- THE RULE for text about a task's person that the organisation p_writer
-- wrote (the sender's subject and body, a rejection's reason, a step's
-- note), for the session, one row: shown.
--
--   * a KONSULTATION (no case) has no personal content: shown;
--   * the writer's own organisation sees it (p_own);
--   * anyone else sees it while a samtycke in force shares with it, under
--     its declared purpose, the person and every class the text may
--     carry (p_consented): the task's classes for the sender's text, every
--     class the writer's organisation writes (hub_org_classes) for any
--     other's, which is what it would need to read that party's items of
--     the case. The person's own municipality sees the person and its own
--     classes anyway: it needs only the other classes shared.
--
-- A set-returning LANGUAGE sql function of one SELECT, so that it is
-- inlined where it is used (migration 021), each samtycke a per-row probe.
CREATE FUNCTION hub_task_text_shown(p_case uuid, p_individual uuid, p_case_org uuid, p_classes information_class[],
                                    p_sender uuid, p_writer uuid, p_own boolean, p_consented boolean)
    RETURNS TABLE (shown boolean)
    LANGUAGE sql STABLE
    AS $$
    SELECT p_case IS NULL
        OR (p_own AND p_writer = hub_current_org())
        OR (p_consented AND CASE
            WHEN p_case_org = hub_current_org() THEN
                NOT EXISTS (SELECT 1 FROM unnest(w.classes) AS cls(class)
                            WHERE NOT starts_with(cls.class::text, hub_own_class_prefix())
                              AND NOT EXISTS (SELECT 1 FROM hub_shares_class(p_individual, cls.class)))
            ELSE EXISTS (SELECT 1 FROM hub_shares_person(p_individual))
                AND NOT EXISTS (SELECT 1 FROM unnest(w.classes) AS cls(class)
                                WHERE NOT EXISTS (SELECT 1 FROM hub_shares_class(p_individual, cls.class)))
            END)
    FROM (SELECT CASE WHEN p_writer = p_sender THEN p_classes ELSE hub_org_classes(p_writer) END AS classes OFFSET 0) w $$;
REVOKE ALL ON FUNCTION hub_task_text_shown(uuid, uuid, uuid, information_class[], uuid, uuid, boolean, boolean) FROM PUBLIC;

-- A task's personal content as the session may see it (docs/tasks.md,
-- "Who sees what"), one row for a task the session is a party to, none
-- for any other:
--
--   shown          the sender's subject and body are shown (the rule above
--                  for the sender's text); false: the task is withdrawn
--                  from the session (a revocation, expiry, another purpose)
--   case_id, individual_id, case_org_id
--                  the case and its person: for the sender when it owns
--                  the case, or while a samtycke shares the person with it
--                  (as the case itself); for the recipient as the
--                  subject and text
--   subject, body  when shown
--   reject_reason  a rejection's reason: the rule above for the
--                  recipient's text
--   consent_id     the samtycke that allowed what the session sees of the
--                  other party's, for the audit record and the
--                  loggutdrag (NULL: it saw only its own, or nothing): for
--                  the recipient the one that shares the task's classes;
--                  for the sender the one that shares the person (when it
--                  does not own the case), else the one that shares the
--                  recipient's classes (when it read the recipient's
--                  reason). Of several, the lowest id.
--
-- Why it is SECURITY DEFINER: hub_app may not SELECT these columns
-- (below). Why it is safe: it returns a task's content only to a party of
-- the task (hub_task_is_party, which row security asks too), each part
-- only under the rule, which reads the session's own hub.* settings as
-- every policy does; the scope can only narrow it; its search_path is
-- fixed, and only the application role may call it.
CREATE FUNCTION hub_task_content(p_task uuid, p_own boolean, p_consented boolean)
    RETURNS TABLE (shown boolean, case_id uuid, individual_id uuid, case_org_id uuid,
                   subject text, body text, reject_reason text, consent_id uuid)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp ROWS 1
    AS $$
    SELECT v.shown,
        CASE WHEN v.case_shown THEN t.case_id END,
        CASE WHEN v.case_shown THEN t.individual_id END,
        CASE WHEN v.case_shown THEN t.case_org_id END,
        CASE WHEN v.shown THEN t.subject END,
        CASE WHEN v.shown THEN t.body END,
        CASE WHEN v.reason_shown THEN t.reject_reason END,
        CASE WHEN t.case_id IS NULL THEN NULL
            WHEN t.sender_org_id <> hub_current_org() THEN
                CASE WHEN v.shown THEN (SELECT s.consent_id FROM unnest(t.classes) AS cls(class),
                                        hub_shares_class(t.individual_id, cls.class) s ORDER BY s.consent_id LIMIT 1) END
            ELSE coalesce(
                CASE WHEN v.case_shown AND t.case_org_id <> hub_current_org() THEN
                    (SELECT s.consent_id FROM hub_shares_person(t.individual_id) s ORDER BY s.consent_id LIMIT 1) END,
                CASE WHEN v.reason_shown AND t.reject_reason IS NOT NULL THEN
                    (SELECT s.consent_id FROM unnest(hub_org_classes(t.recipient_org_id)) AS cls(class),
                     hub_shares_class(t.individual_id, cls.class) s ORDER BY s.consent_id LIMIT 1) END)
        END
    FROM tasks t
    CROSS JOIN LATERAL (
        SELECT x.shown,
            CASE WHEN t.sender_org_id = hub_current_org() THEN
                t.case_id IS NULL OR (p_own AND t.case_org_id = hub_current_org())
                OR (p_consented AND EXISTS (SELECT 1 FROM hub_shares_person(t.individual_id)))
            ELSE x.shown END AS case_shown,
            (SELECT r.shown FROM hub_task_text_shown(t.case_id, t.individual_id, t.case_org_id, t.classes,
                                                     t.sender_org_id, t.recipient_org_id, p_own, p_consented) r) AS reason_shown
        FROM hub_task_text_shown(t.case_id, t.individual_id, t.case_org_id, t.classes,
                                 t.sender_org_id, t.sender_org_id, p_own, p_consented) x
        OFFSET 0) v
    WHERE t.id = p_task AND hub_task_is_party(t.sender_org_id, t.recipient_org_id, t.recipient_unit_id) $$;
REVOKE ALL ON FUNCTION hub_task_content(uuid, boolean, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub_task_content(uuid, boolean, boolean) TO hub_app;

-- A step's note (a rejection's reason, an assignee's name) as the session
-- may see it: the text of the organisation that took the step, under the
-- rule above; NULL when hidden, when there is none, or when the session is
-- no party to the task. SECURITY DEFINER for the same reason, and safe in
-- the same way, as hub_task_content.
CREATE FUNCTION hub_task_event_note(p_event uuid, p_own boolean, p_consented boolean) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
    SELECT e.note
    FROM task_events e
    JOIN tasks t ON t.id = e.task_id
    CROSS JOIN LATERAL hub_task_text_shown(t.case_id, t.individual_id, t.case_org_id, t.classes,
                                           t.sender_org_id, e.actor_org_id, p_own, p_consented) x
    WHERE e.id = p_event AND hub_task_is_party(t.sender_org_id, t.recipient_org_id, t.recipient_unit_id)
      AND x.shown $$;
REVOKE ALL ON FUNCTION hub_task_event_note(uuid, boolean, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub_task_event_note(uuid, boolean, boolean) TO hub_app;

-- The columns hub_app reads itself: all but the content.
REVOKE SELECT ON tasks FROM hub_app;
GRANT SELECT (id, kind, state, purpose, classes, individual_id, case_org_id, sender_org_id, sender_unit_id,
              sender_user_id, topic, municipality_code, routed_entry_id, recipient_org_id, recipient_unit_id,
              assignee_user_id, assignee_name, due_on, escalation_level, consent_id, created_at, updated_at)
    ON tasks TO hub_app;
REVOKE SELECT ON task_events FROM hub_app;
GRANT SELECT (id, seq, task_id, at, actor_org_id, actor_unit_id, actor_user_id, kind, from_state, to_state,
              routed_entry_id)
    ON task_events TO hub_app;

-- The tasks about a case, found by its person (which hub_app reads; the
-- case it may not): the list of a case's tasks narrows by person first,
-- and asks hub_task_content for the case only of those.
CREATE INDEX tasks_individual ON tasks (individual_id) WHERE individual_id IS NOT NULL;

---- create above / drop below ----
DROP INDEX tasks_individual;
REVOKE SELECT ON task_events FROM hub_app;
GRANT SELECT ON task_events TO hub_app;
REVOKE SELECT ON tasks FROM hub_app;
GRANT SELECT ON tasks TO hub_app;
DROP FUNCTION hub_task_event_note(uuid, boolean, boolean);
DROP FUNCTION hub_task_content(uuid, boolean, boolean);
DROP FUNCTION hub_task_text_shown(uuid, uuid, uuid, information_class[], uuid, uuid, boolean, boolean);
DROP FUNCTION hub_task_is_party(uuid, uuid, uuid);
