-- Meetings at national scale (issue 14's target: a unit's coming meetings,
-- p99 <= 20 ms; docs/casefile-benchmarks.md).
--
-- 1. THE RULE of migrations 035 and 038, stated once, now as a set-returning
-- function, hub_meeting_seen, that Postgres inlines into the EXISTS of a
-- policy or a query (the form migration 021 gives hub_shares_person): a
-- row that fails the cheap tests (case owner, party, purpose)
-- costs a few comparisons instead of a call of the SQL function
-- hub_meeting_visible (some 20 µs, up to three times per row).
-- hub_meeting_visible keeps its signature and meaning (p_org, the caller,
-- has no term of its own since migration 038), and asks hub_meeting_seen.
--
-- 2. A party row carries its meeting's rule inputs (the caller's
-- organisation, the case's owner, the parties, the purpose, the person)
-- and its cancellation, copied from the meeting when the row is written
-- and when the meeting is cancelled (the rest of them never change: the
-- application role may update none of them). So the rule on
-- meeting_parties is the same function over the row's own columns, with
-- no join to meetings, and a unit's coming meetings are read, in order,
-- from one partial index that holds every column the rule reads: an
-- index-only scan that rejects a meeting another purpose would show
-- without touching the table. Before, the planner, which cannot estimate
-- the rule, scanned every meeting in parallel (2.5 s for Försäkringskassan's
-- queue under SIP).

CREATE FUNCTION hub_meeting_seen(p_org uuid, p_case_org uuid, p_parties uuid[], p_purpose consent_purpose,
                                 p_individual uuid) RETURNS TABLE (seen boolean)
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT true
          WHERE p_case_org = hub_current_org()
             OR (hub_current_org() = ANY (p_parties)
                 AND (p_individual IS NULL
                      OR (p_purpose::text = hub_current_purpose()
                          AND EXISTS (SELECT 1 FROM hub_shares_person(p_individual))))) $$;
REVOKE ALL ON FUNCTION hub_meeting_seen(uuid, uuid, uuid[], consent_purpose, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub_meeting_seen(uuid, uuid, uuid[], consent_purpose, uuid) TO hub_app;

CREATE OR REPLACE FUNCTION hub_meeting_visible(p_org uuid, p_case_org uuid, p_parties uuid[], p_purpose consent_purpose,
                                               p_individual uuid) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT EXISTS (SELECT 1 FROM hub_meeting_seen(p_org, p_case_org, p_parties, p_purpose, p_individual)) $$;

ALTER TABLE meeting_parties
    ADD COLUMN meeting_org_id uuid,
    ADD COLUMN case_org_id    uuid,
    ADD COLUMN party_org_ids  uuid[],
    ADD COLUMN purpose        consent_purpose,
    ADD COLUMN individual_id  uuid,
    ADD COLUMN cancelled_at   timestamptz;
UPDATE meeting_parties p SET meeting_org_id = m.org_id, case_org_id = m.case_org_id, party_org_ids = m.party_org_ids,
    purpose = m.purpose, individual_id = m.individual_id, cancelled_at = m.cancelled_at
FROM meetings m WHERE m.id = p.meeting_id;
ALTER TABLE meeting_parties
    ALTER COLUMN meeting_org_id SET NOT NULL,
    ALTER COLUMN party_org_ids SET NOT NULL,
    ALTER COLUMN purpose SET NOT NULL;

-- A party row takes its meeting's columns when it is written (the
-- application names only its own); the meeting is the writer's own (the
-- insert policy holds it to the caller).
CREATE FUNCTION hub_meeting_party_copies() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    BEGIN
        SELECT m.org_id, m.case_org_id, m.party_org_ids, m.purpose, m.individual_id, m.cancelled_at
        INTO NEW.meeting_org_id, NEW.case_org_id, NEW.party_org_ids, NEW.purpose, NEW.individual_id, NEW.cancelled_at
        FROM meetings m WHERE m.id = NEW.meeting_id;
        RETURN NEW;
    END $$;
CREATE TRIGGER meeting_party_copies BEFORE INSERT ON meeting_parties
    FOR EACH ROW EXECUTE FUNCTION hub_meeting_party_copies();

-- A cancellation reaches the party rows. SECURITY DEFINER: the
-- application role may not update the copy itself; this copies only the
-- cancellation of the meeting row just updated (by its caller, the
-- meetings' update policy).
CREATE FUNCTION hub_meeting_cancel_follows() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
    BEGIN
        UPDATE meeting_parties SET cancelled_at = NEW.cancelled_at WHERE meeting_id = NEW.id;
        RETURN NULL;
    END $$;
REVOKE ALL ON FUNCTION hub_meeting_cancel_follows() FROM PUBLIC;
CREATE TRIGGER meeting_cancel_follows AFTER UPDATE OF cancelled_at ON meetings
    FOR EACH ROW WHEN (OLD.cancelled_at IS DISTINCT FROM NEW.cancelled_at) EXECUTE FUNCTION hub_meeting_cancel_follows();

ALTER POLICY party_read ON meetings USING (
    EXISTS (SELECT 1 FROM hub_meeting_seen(org_id, case_org_id, party_org_ids, purpose, individual_id)));
ALTER POLICY meeting_read ON meeting_parties USING (
    EXISTS (SELECT 1 FROM hub_meeting_seen(meeting_org_id, case_org_id, party_org_ids, purpose, individual_id)));

-- A unit's coming meetings: each queue (the organisation's, the unit's) in
-- order, holding what the rule reads. The queue is a value (the unit, or
-- the organisation for a party with no unit), as for tasks (migration
-- 031): with "unit_id IS NULL" in the key the planner cannot use the
-- index's order and sorted the whole queue.
ALTER TABLE meeting_parties ADD COLUMN queue_id uuid GENERATED ALWAYS AS (coalesce(unit_id, org_id)) STORED;
DROP INDEX meeting_parties_coming;
CREATE INDEX meeting_parties_coming ON meeting_parties (queue_id, starts_at, meeting_id)
    INCLUDE (org_id, meeting_org_id, case_org_id, party_org_ids, purpose, individual_id)
    WHERE cancelled_at IS NULL;

-- Counting a queue's coming meetings (up to 1,000) read every row of the
-- queue and asked the rule of each: Försäkringskassan's national queue
-- holds some 16,000, most of them under another purpose than the one a
-- request declares. shown_under says under which purpose the party's own
-- organisation sees the meeting: 0 always (it owns the case, or the
-- meeting names no one), else the meeting's purpose's code. A purpose
-- is an enum, and enum equality is not leakproof (row security would not
-- let Postgres search an index by it), so the code is a smallint, as for
-- tasks (migration 031). The count reads the codes 0 and the declared
-- purpose's from its own index; the rule still decides each row.
CREATE FUNCTION hub_purpose_code(p consent_purpose) RETURNS smallint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE p WHEN 'SAMORDNAD_REHABILITERING' THEN 1 WHEN 'SIP' THEN 2 WHEN 'GEMENSAM_KARTLAGGNING' THEN 3
    WHEN 'ANSOKAN_ERSATTNING' THEN 4 WHEN 'ARBETSLIVSINRIKTAD_REHABILITERING' THEN 5 WHEN 'UPPFOLJNING' THEN 6 END::smallint $$;
GRANT EXECUTE ON FUNCTION hub_purpose_code(consent_purpose) TO hub_app;
ALTER TABLE meeting_parties ADD COLUMN shown_under smallint NOT NULL GENERATED ALWAYS AS (
    CASE WHEN org_id = case_org_id OR individual_id IS NULL THEN 0 ELSE hub_purpose_code(purpose) END) STORED;
CREATE INDEX meeting_parties_counted ON meeting_parties (queue_id, shown_under, starts_at)
    INCLUDE (meeting_org_id, case_org_id, party_org_ids, purpose, individual_id)
    WHERE cancelled_at IS NULL;

---- create above / drop below ----
DROP INDEX meeting_parties_counted;
ALTER TABLE meeting_parties DROP COLUMN shown_under;
DROP FUNCTION hub_purpose_code(consent_purpose);
DROP INDEX meeting_parties_coming;
ALTER TABLE meeting_parties DROP COLUMN queue_id;
CREATE INDEX meeting_parties_coming ON meeting_parties (org_id, unit_id, starts_at, meeting_id);
ALTER POLICY meeting_read ON meeting_parties USING (
    EXISTS (SELECT 1 FROM meetings m WHERE m.id = meeting_parties.meeting_id));
ALTER POLICY party_read ON meetings USING (
    hub_meeting_visible(org_id, case_org_id, party_org_ids, purpose, individual_id));
DROP TRIGGER meeting_cancel_follows ON meetings;
DROP FUNCTION hub_meeting_cancel_follows();
DROP TRIGGER meeting_party_copies ON meeting_parties;
DROP FUNCTION hub_meeting_party_copies();
ALTER TABLE meeting_parties DROP COLUMN meeting_org_id, DROP COLUMN case_org_id, DROP COLUMN party_org_ids,
    DROP COLUMN purpose, DROP COLUMN individual_id, DROP COLUMN cancelled_at;
CREATE OR REPLACE FUNCTION hub_meeting_visible(p_org uuid, p_case_org uuid, p_parties uuid[], p_purpose consent_purpose,
                                               p_individual uuid) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT p_case_org = hub_current_org()
              OR (hub_current_org() = ANY (p_parties)
                  AND (p_individual IS NULL
                       OR (p_purpose::text = hub_current_purpose()
                           AND EXISTS (SELECT 1 FROM hub_shares_person(p_individual))))) $$;
DROP FUNCTION hub_meeting_seen(uuid, uuid, uuid[], consent_purpose, uuid);
