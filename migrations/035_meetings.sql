-- Meetings about a case (issue 14): avstämningsmöten, SIP-möten,
-- trepartsmöten, gemensamma kartläggningar, and de-identified case
-- reviews (KONSULTATION, no person), with their time, place or remote
-- link, the invited parties (organisation, the unit its kallelse was routed
-- to, role), each party's attendance and the person's.
--
-- THE RULE, stated once: a meeting row is seen by the organisation that
-- called it, by the municipality that owns its case, and by an invited
-- party; an invited party sees a meeting about a person only under the
-- meeting's purpose (the request declares it) and while a samtycke in
-- force shares the person with it (hub_shares_person). A revocation hides
-- the meeting on the very next statement. meeting_parties follow their
-- meeting (EXISTS on meetings, whose policy applies), so a party row says
-- nothing to anyone who may not see the meeting.
--
-- party_org_ids repeats the parties' organisations on the meeting row so
-- that its policy needs no subquery on meeting_parties (whose own policy
-- reads meetings: the two would recurse).

CREATE TYPE meeting_kind AS ENUM ('AVSTAMNINGSMOTE', 'SIP_MOTE', 'TREPARTSMOTE', 'GEMENSAM_KARTLAGGNING', 'KONSULTATION');
-- KALLAD: invited, nothing recorded yet; NARVARANDE: attended; UTEBLIVEN:
-- a no-show; ATERBUD: sent word that they would not come.
CREATE TYPE meeting_attendance AS ENUM ('KALLAD', 'NARVARANDE', 'UTEBLIVEN', 'ATERBUD');

CREATE TABLE meetings (
    id                uuid PRIMARY KEY,
    kind              meeting_kind NOT NULL,
    purpose           consent_purpose NOT NULL,
    -- The case and its person; NULL only for a KONSULTATION.
    case_id           uuid REFERENCES cases (id),
    individual_id     uuid REFERENCES individuals (id),
    case_org_id       uuid REFERENCES organizations (id),
    -- Who called it.
    org_id            uuid NOT NULL REFERENCES organizations (id),
    unit_id           uuid REFERENCES units (id),
    user_id           text NOT NULL CHECK (length(user_id) BETWEEN 1 AND 200),
    party_org_ids     uuid[] NOT NULL CHECK (cardinality(party_org_ids) BETWEEN 1 AND 10),
    subject           text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
    agenda            text NOT NULL CHECK (length(agenda) <= 4000),
    starts_at         timestamptz NOT NULL,
    ends_at           timestamptz NOT NULL,
    place             text CHECK (length(place) BETWEEN 1 AND 200),
    remote_url        text CHECK (length(remote_url) BETWEEN 1 AND 500 AND remote_url ~ '^https://'),
    person_attendance meeting_attendance,
    cancelled_at      timestamptz,
    cancel_reason     text CHECK (length(cancel_reason) BETWEEN 1 AND 2000),
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    CHECK ((kind = 'KONSULTATION') = (case_id IS NULL)),
    CHECK ((case_id IS NULL) = (individual_id IS NULL) AND (case_id IS NULL) = (case_org_id IS NULL)),
    CHECK ((case_id IS NULL) = (person_attendance IS NULL)),
    CHECK (place IS NOT NULL OR remote_url IS NOT NULL),
    CHECK (ends_at > starts_at AND ends_at <= starts_at + interval '12 hours'),
    CHECK ((cancelled_at IS NULL) = (cancel_reason IS NULL)),
    CHECK (org_id = ANY (party_org_ids))
);
CREATE INDEX meetings_case ON meetings (case_id, starts_at) WHERE case_id IS NOT NULL;

GRANT SELECT, INSERT ON meetings TO hub_app;
GRANT UPDATE (person_attendance, cancelled_at, cancel_reason, updated_at) ON meetings TO hub_app;

-- THE RULE (see the top): whether the session sees a meeting with these
-- columns. The policy below and internal/meetings' queries both call it,
-- so it is written once. Not inlined (a boolean around EXISTS is a call
-- per row, some 20 µs): meetings are read a page or a case at a time.
CREATE FUNCTION hub_meeting_visible(p_org uuid, p_case_org uuid, p_parties uuid[], p_purpose consent_purpose,
                                    p_individual uuid) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT p_org = hub_current_org()
              OR p_case_org = hub_current_org()
              OR (hub_current_org() = ANY (p_parties)
                  AND (p_individual IS NULL
                       OR (p_purpose::text = hub_current_purpose()
                           AND EXISTS (SELECT 1 FROM hub_shares_person(p_individual))))) $$;
REVOKE ALL ON FUNCTION hub_meeting_visible(uuid, uuid, uuid[], consent_purpose, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub_meeting_visible(uuid, uuid, uuid[], consent_purpose, uuid) TO hub_app;

ALTER TABLE meetings ENABLE ROW LEVEL SECURITY;
CREATE POLICY party_read ON meetings FOR SELECT USING (
    hub_meeting_visible(org_id, case_org_id, party_org_ids, purpose, individual_id));
-- The caller writes a meeting about a case it can see (the case's own row
-- security decides: its owner, or a samtycke sharing the person).
CREATE POLICY caller_insert ON meetings FOR INSERT WITH CHECK (
    org_id = (SELECT hub_current_org())
    AND (case_id IS NULL OR EXISTS (SELECT 1 FROM cases c WHERE c.id = meetings.case_id
         AND c.individual_id = meetings.individual_id AND c.org_id = meetings.case_org_id)));
-- Only the caller records the person's attendance and cancels.
CREATE POLICY caller_update ON meetings FOR UPDATE
    USING (org_id = (SELECT hub_current_org()))
    WITH CHECK (org_id = (SELECT hub_current_org()));

CREATE TABLE meeting_parties (
    meeting_id  uuid NOT NULL REFERENCES meetings (id),
    org_id      uuid NOT NULL REFERENCES organizations (id),
    -- The unit the kallelse was routed to through en väg in (NULL: the
    -- organisation's queue), or the caller's own unit.
    unit_id     uuid REFERENCES units (id),
    -- The party's role at the meeting, in the caller's words.
    role        text NOT NULL CHECK (length(role) BETWEEN 1 AND 100),
    caller      boolean NOT NULL,
    -- The KALLELSE_SIP task that invited the party (NULL for the caller).
    task_id     uuid REFERENCES tasks (id),
    attendance  meeting_attendance NOT NULL,
    -- The meeting's start, repeated so that a unit's coming meetings are
    -- read in order from one index (meeting_parties_coming).
    starts_at   timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (meeting_id, org_id),
    CHECK (caller = (task_id IS NULL))
);
CREATE INDEX meeting_parties_coming ON meeting_parties (org_id, unit_id, starts_at, meeting_id);

GRANT SELECT, INSERT ON meeting_parties TO hub_app;
GRANT UPDATE (attendance, updated_at) ON meeting_parties TO hub_app;

ALTER TABLE meeting_parties ENABLE ROW LEVEL SECURITY;
-- A party row is seen by whoever sees the meeting (its row security).
CREATE POLICY meeting_read ON meeting_parties FOR SELECT USING (
    EXISTS (SELECT 1 FROM meetings m WHERE m.id = meeting_parties.meeting_id));
CREATE POLICY caller_insert ON meeting_parties FOR INSERT WITH CHECK (
    EXISTS (SELECT 1 FROM meetings m WHERE m.id = meeting_parties.meeting_id AND m.org_id = (SELECT hub_current_org())
            AND meeting_parties.org_id = ANY (m.party_org_ids)));
CREATE POLICY caller_update ON meeting_parties FOR UPDATE
    USING (EXISTS (SELECT 1 FROM meetings m WHERE m.id = meeting_parties.meeting_id AND m.org_id = (SELECT hub_current_org())))
    WITH CHECK (EXISTS (SELECT 1 FROM meetings m WHERE m.id = meeting_parties.meeting_id AND m.org_id = (SELECT hub_current_org())));

---- create above / drop below ----
DROP TABLE meeting_parties;
DROP TABLE meetings;
DROP FUNCTION hub_meeting_visible(uuid, uuid, uuid[], consent_purpose, uuid);
DROP TYPE meeting_attendance;
DROP TYPE meeting_kind;
