-- Meetings, after the review of issue 14 (docs/meetings.md, "Who sees a
-- meeting").
--
-- 1. Calling a meeting gave no lasting right to see it. Until now the
--    organisation that called a meeting saw it whatever the samtycke said:
--    FK, calling an avstämningsmöte about a Karlstad person under a
--    samtycke, kept reading it (subject, agenda, parties, the person's
--    attendance), listing it and recording attendance after the person had
--    revoked the samtycke, and under any declared purpose. Now only the
--    municipality that owns the case sees a meeting about a person
--    unconditionally; every other party, the caller included, sees it
--    while a samtycke in force shares the person with it for the meeting's
--    purpose, which its request declares. A KONSULTATION names no one: its
--    parties see it.
-- 2. Row security pins what the application writes (a second line of
--    defence, as migration 029 does for tasks): a meeting is inserted by
--    the session's user, now, under the declared purpose, not cancelled;
--    every change stamps hub_now(); a cancelled meeting stays cancelled.

CREATE OR REPLACE FUNCTION hub_meeting_visible(p_org uuid, p_case_org uuid, p_parties uuid[], p_purpose consent_purpose,
                                               p_individual uuid) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT p_case_org = hub_current_org()
              OR (hub_current_org() = ANY (p_parties)
                  AND (p_individual IS NULL
                       OR (p_purpose::text = hub_current_purpose()
                           AND EXISTS (SELECT 1 FROM hub_shares_person(p_individual))))) $$;
-- p_org (the caller) is kept in the signature: the caller is always one of
-- p_parties (CHECK on meetings), so it needs no term of its own.

DROP POLICY caller_insert ON meetings;
CREATE POLICY caller_insert ON meetings FOR INSERT WITH CHECK (
    org_id = (SELECT hub_current_org())
    AND user_id = (SELECT hub_current_user())
    AND purpose::text = (SELECT hub_current_purpose())
    AND created_at = (SELECT hub_now()) AND updated_at = created_at
    AND cancelled_at IS NULL
    AND (case_id IS NULL OR EXISTS (SELECT 1 FROM cases c WHERE c.id = meetings.case_id
         AND c.individual_id = meetings.individual_id AND c.org_id = meetings.case_org_id)));

-- The caller changes a meeting it still sees (the rule above), now.
DROP POLICY caller_update ON meetings;
CREATE POLICY caller_update ON meetings FOR UPDATE
    USING (org_id = (SELECT hub_current_org())
           AND hub_meeting_visible(org_id, case_org_id, party_org_ids, purpose, individual_id))
    WITH CHECK (org_id = (SELECT hub_current_org()) AND updated_at = (SELECT hub_now()));

-- A cancellation is final and dated now: row security cannot compare a
-- row with its old version, a trigger can.
CREATE FUNCTION hub_meeting_cancel_once() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF OLD.cancelled_at IS NOT NULL
       AND (NEW.cancelled_at IS DISTINCT FROM OLD.cancelled_at OR NEW.cancel_reason IS DISTINCT FROM OLD.cancel_reason) THEN
        RAISE EXCEPTION 'a cancelled meeting stays cancelled' USING ERRCODE = '42501';
    END IF;
    IF OLD.cancelled_at IS NULL AND NEW.cancelled_at IS NOT NULL AND NEW.cancelled_at <> hub_now() THEN
        RAISE EXCEPTION 'a meeting is cancelled now, not at another time' USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER meetings_cancel_once BEFORE UPDATE OF cancelled_at, cancel_reason ON meetings
    FOR EACH ROW EXECUTE FUNCTION hub_meeting_cancel_once();

-- A party's attendance is changed now.
DROP POLICY caller_update ON meeting_parties;
CREATE POLICY caller_update ON meeting_parties FOR UPDATE
    USING (EXISTS (SELECT 1 FROM meetings m WHERE m.id = meeting_parties.meeting_id AND m.org_id = (SELECT hub_current_org())))
    WITH CHECK (EXISTS (SELECT 1 FROM meetings m WHERE m.id = meeting_parties.meeting_id AND m.org_id = (SELECT hub_current_org()))
                AND updated_at = (SELECT hub_now()));

---- create above / drop below ----
DROP POLICY caller_update ON meeting_parties;
CREATE POLICY caller_update ON meeting_parties FOR UPDATE
    USING (EXISTS (SELECT 1 FROM meetings m WHERE m.id = meeting_parties.meeting_id AND m.org_id = (SELECT hub_current_org())))
    WITH CHECK (EXISTS (SELECT 1 FROM meetings m WHERE m.id = meeting_parties.meeting_id AND m.org_id = (SELECT hub_current_org())));
DROP TRIGGER meetings_cancel_once ON meetings;
DROP FUNCTION hub_meeting_cancel_once();
DROP POLICY caller_update ON meetings;
CREATE POLICY caller_update ON meetings FOR UPDATE
    USING (org_id = (SELECT hub_current_org()))
    WITH CHECK (org_id = (SELECT hub_current_org()));
DROP POLICY caller_insert ON meetings;
CREATE POLICY caller_insert ON meetings FOR INSERT WITH CHECK (
    org_id = (SELECT hub_current_org())
    AND (case_id IS NULL OR EXISTS (SELECT 1 FROM cases c WHERE c.id = meetings.case_id
         AND c.individual_id = meetings.individual_id AND c.org_id = meetings.case_org_id)));
CREATE OR REPLACE FUNCTION hub_meeting_visible(p_org uuid, p_case_org uuid, p_parties uuid[], p_purpose consent_purpose,
                                               p_individual uuid) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT p_org = hub_current_org()
              OR p_case_org = hub_current_org()
              OR (hub_current_org() = ANY (p_parties)
                  AND (p_individual IS NULL
                       OR (p_purpose::text = hub_current_purpose()
                           AND EXISTS (SELECT 1 FROM hub_shares_person(p_individual))))) $$;
