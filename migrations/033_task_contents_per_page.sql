-- A page of tasks' content in one call (issue 13's inbox target).
--
-- A list called hub_task_content (migration 030) once per task of its
-- page: 13 ms of a page of 50 on the national data set, where the same
-- rule over the fifty tasks in one statement takes 5-6 ms (the rest is
-- the cost of fifty calls: each enters a SECURITY DEFINER function with
-- its own search_path and runs its plan once). hub_task_contents is the same rule for an array of tasks,
-- one row per task the session is a party to (task_id first), in one
-- call. hub_task_content is now that function
-- for one task, so the rule is still stated once.

CREATE FUNCTION hub_task_contents(p_tasks uuid[], p_own boolean, p_consented boolean)
    RETURNS TABLE (task_id uuid, shown boolean, case_id uuid, individual_id uuid, case_org_id uuid,
                   subject text, body text, reject_reason text, consent_id uuid)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp ROWS 50
    AS $$
    SELECT t.id, v.shown,
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
    WHERE t.id = ANY(p_tasks) AND hub_task_is_party(t.sender_org_id, t.recipient_org_id, t.recipient_unit_id) $$;
REVOKE ALL ON FUNCTION hub_task_contents(uuid[], boolean, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub_task_contents(uuid[], boolean, boolean) TO hub_app;

CREATE OR REPLACE FUNCTION hub_task_content(p_task uuid, p_own boolean, p_consented boolean)
    RETURNS TABLE (shown boolean, case_id uuid, individual_id uuid, case_org_id uuid,
                   subject text, body text, reject_reason text, consent_id uuid)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp ROWS 1
    AS $$
    SELECT c.shown, c.case_id, c.individual_id, c.case_org_id, c.subject, c.body, c.reject_reason, c.consent_id
    FROM hub_task_contents(ARRAY[p_task], p_own, p_consented) c $$;

---- create above / drop below ----
-- hub_task_content as migration 030 wrote it.
CREATE OR REPLACE FUNCTION hub_task_content(p_task uuid, p_own boolean, p_consented boolean)
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
DROP FUNCTION hub_task_contents(uuid[], boolean, boolean);
