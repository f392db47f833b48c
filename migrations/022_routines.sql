-- Samverkansrutiner (issue 13): the state machine a samordningsförbund runs
-- its cases through, as data, and each case's history in it.
--
-- A routine is a JSON definition (internal/routine: states, transitions,
-- who may take each, the guards from a fixed catalogue, the screening
-- criteria) in a row that is never changed: saving a change makes the next
-- version, and a case keeps the version it started on (cases.routine_id)
-- unless it is moved explicitly. Two routines ship with the hub as
-- templates (no förbund): "samverkan", the common lifecycle after
-- Landskrona's routine, which a förbund without a routine of its own
-- runs, and "fms", Lysekil's process map. Their definitions below are the
-- only statement of them; internal/routine's tests read them from here.
--
-- A case's transitions are personal data: a case's state is part of the
-- case core (shared by any samtycke that shares the person), the details
-- of a step (reason, parties, routes, closure, waiting, decision) are the
-- municipality's planning (KOMMUN_PLANERING), masked by internal/routine's
-- queries for a viewer the samtycke does not share it with. The
-- screening is ekonomiskt bistånd's assessment (KOMMUN_EKONOMISKT_BISTAND).

CREATE TABLE routines (
    id            uuid PRIMARY KEY,
    org_id        uuid REFERENCES organizations (id),      -- the förbund's organisation; NULL: shipped
    federation_id uuid REFERENCES federations (id),
    key           text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_-]{0,39}$'), -- the template it follows
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    version       integer NOT NULL CHECK (version >= 1),
    definition    jsonb NOT NULL CHECK (jsonb_typeof(definition) = 'object'),
    created_at    timestamptz NOT NULL,
    created_by    text NOT NULL,
    CHECK ((org_id IS NULL) = (federation_id IS NULL)),
    FOREIGN KEY (org_id, federation_id) REFERENCES federations (org_id, id)
);
-- A förbund has one line of versions; the templates one each.
CREATE UNIQUE INDEX routines_federation_version ON routines (federation_id, version) WHERE federation_id IS NOT NULL;
CREATE UNIQUE INDEX routines_template_version ON routines (key, version) WHERE federation_id IS NULL;
CALL hub_tenant_policies('routines', 'org_id');
GRANT SELECT, INSERT ON routines TO hub_app;

INSERT INTO routines (id, org_id, federation_id, key, name, version, definition, created_at, created_by) VALUES
('5e000000-0000-4000-8000-000000000001', NULL, NULL, 'samverkan', 'Samverkansrutin', 1, $samverkan$
{
  "initial": "IDENTIFIERAD",
  "states": [
    {"name": "IDENTIFIERAD", "label": "Identifierad"},
    {"name": "SCREENAD", "label": "Screenad"},
    {"name": "KARTLAGGNING", "label": "Kartläggning"},
    {"name": "SAMTYCKE", "label": "Samtycke inhämtat"},
    {"name": "UNDERLAG", "label": "Underlag"},
    {"name": "GEMENSAM_PLANERING", "label": "Gemensam planering"},
    {"name": "VAG_VALD", "label": "Väg vald"},
    {"name": "VANTAR", "label": "Väntar", "waiting": true},
    {"name": "UPPFOLJNING", "label": "Uppföljning"},
    {"name": "AVSLUTAD", "label": "Avslutad", "final": true}
  ],
  "transitions": [
    {"from": ["IDENTIFIERAD"], "to": "SCREENAD", "roles": ["SOCIALSEKRETERARE", "FORSTE_SOCIALSEKRETERARE", "SAMVERKANSKOORDINATOR"], "guards": [{"kind": "ELIGIBLE"}]},
    {"from": ["SCREENAD"], "to": "KARTLAGGNING", "roles": ["SOCIALSEKRETERARE", "FORSTE_SOCIALSEKRETERARE", "SAMVERKANSKOORDINATOR"]},
    {"from": ["KARTLAGGNING"], "to": "SAMTYCKE", "roles": ["SOCIALSEKRETERARE", "FORSTE_SOCIALSEKRETERARE", "SAMVERKANSKOORDINATOR"]},
    {"from": ["SAMTYCKE"], "to": "UNDERLAG", "roles": ["SOCIALSEKRETERARE", "FORSTE_SOCIALSEKRETERARE", "SAMVERKANSKOORDINATOR"], "guards": [{"kind": "CONSENT_IN_FORCE", "purpose": "SAMORDNAD_REHABILITERING"}]},
    {"from": ["UNDERLAG", "UPPFOLJNING"], "to": "GEMENSAM_PLANERING", "roles": ["SOCIALSEKRETERARE", "FORSTE_SOCIALSEKRETERARE", "SAMVERKANSKOORDINATOR"], "guards": [{"kind": "CONSENT_IN_FORCE", "purpose": "SIP"}]},
    {"from": ["GEMENSAM_PLANERING"], "to": "VAG_VALD", "roles": ["SOCIALSEKRETERARE", "FORSTE_SOCIALSEKRETERARE", "SAMVERKANSKOORDINATOR"], "guards": [{"kind": "ROUTES_NAMED"}]},
    {"from": ["VAG_VALD", "UPPFOLJNING"], "to": "VANTAR", "roles": ["SOCIALSEKRETERARE", "FORSTE_SOCIALSEKRETERARE", "SAMVERKANSKOORDINATOR"], "guards": [{"kind": "WAIT_STATED"}]},
    {"from": ["VAG_VALD", "VANTAR"], "to": "UPPFOLJNING", "roles": ["SOCIALSEKRETERARE", "FORSTE_SOCIALSEKRETERARE", "SAMVERKANSKOORDINATOR"]},
    {"from": ["IDENTIFIERAD", "SCREENAD", "KARTLAGGNING", "SAMTYCKE", "UNDERLAG", "GEMENSAM_PLANERING", "VAG_VALD", "VANTAR", "UPPFOLJNING"], "to": "AVSLUTAD", "roles": ["SOCIALSEKRETERARE", "FORSTE_SOCIALSEKRETERARE", "SAMVERKANSKOORDINATOR"], "guards": [{"kind": "CLOSURE_RECORDED"}]}
  ],
  "screening": [
    {"key": "SGI_SAKNAS", "question": "Saknar personen sjukpenninggrundande inkomst (SGI 0)?"},
    {"key": "FORSORJNINGSSTOD", "question": "Har personen försörjningsstöd?"},
    {"key": "SJUKSKRIVEN_ELLER_OHALSA", "question": "Är personen sjukskriven eller uppger arbetshinder på grund av ohälsa?"},
    {"key": "MISSBRUK", "question": "Har personen missbruksproblem? (Då handläggs ärendet inom ordinarie ekonomiskt bistånd.)", "excludes": true, "closureReason": "MISSBRUK"}
  ]
}
$samverkan$, '2026-12-04T00:00:00Z', 'hub'),
('5e000000-0000-4000-8000-000000000002', NULL, NULL, 'fms', 'FMS (Lysekil)', 1, $fms$
{
  "initial": "FORARBETE",
  "states": [
    {"name": "FORARBETE", "label": "Förarbete"},
    {"name": "BEDOMNING", "label": "1. Bedömning inför inkludering"},
    {"name": "INKLUDERAD", "label": "2. Inkludering"},
    {"name": "UNDERLAG", "label": "3. Insamling av underlag"},
    {"name": "UTREDNING", "label": "4. Utredning"},
    {"name": "INSATS", "label": "5. Insats och samverkan"},
    {"name": "UTVARDERING", "label": "6. Utvärdering"},
    {"name": "AVSLUTAD", "label": "Avslutad", "final": true}
  ],
  "transitions": [
    {"from": ["FORARBETE"], "to": "BEDOMNING", "roles": ["SOCIALSEKRETERARE", "FORSTE_SOCIALSEKRETERARE", "SAMVERKANSKOORDINATOR"]},
    {"from": ["BEDOMNING"], "to": "INKLUDERAD", "roles": ["SOCIALSEKRETERARE", "FORSTE_SOCIALSEKRETERARE", "SAMVERKANSKOORDINATOR"], "guards": [{"kind": "DECISION_RECORDED", "forum": "basgruppen"}]},
    {"from": ["INKLUDERAD"], "to": "UNDERLAG", "roles": ["SOCIALSEKRETERARE", "FORSTE_SOCIALSEKRETERARE", "SAMVERKANSKOORDINATOR"], "guards": [{"kind": "CONSENT_IN_FORCE", "purpose": "SIP"}]},
    {"from": ["UNDERLAG"], "to": "UTREDNING", "roles": ["SOCIALSEKRETERARE", "FORSTE_SOCIALSEKRETERARE", "SAMVERKANSKOORDINATOR"]},
    {"from": ["UTREDNING"], "to": "INSATS", "roles": ["SOCIALSEKRETERARE", "FORSTE_SOCIALSEKRETERARE", "SAMVERKANSKOORDINATOR"], "guards": [{"kind": "ROUTES_NAMED"}]},
    {"from": ["INSATS"], "to": "UTVARDERING", "roles": ["SOCIALSEKRETERARE", "FORSTE_SOCIALSEKRETERARE", "SAMVERKANSKOORDINATOR"]},
    {"from": ["UTVARDERING"], "to": "INSATS", "roles": ["SOCIALSEKRETERARE", "FORSTE_SOCIALSEKRETERARE", "SAMVERKANSKOORDINATOR"]},
    {"from": ["BEDOMNING", "UTVARDERING"], "to": "AVSLUTAD", "roles": ["SOCIALSEKRETERARE", "FORSTE_SOCIALSEKRETERARE", "SAMVERKANSKOORDINATOR"], "guards": [{"kind": "DECISION_RECORDED", "forum": "basgruppen"}, {"kind": "CLOSURE_RECORDED"}]},
    {"from": ["FORARBETE", "INKLUDERAD", "UNDERLAG", "UTREDNING", "INSATS"], "to": "AVSLUTAD", "roles": ["SOCIALSEKRETERARE", "FORSTE_SOCIALSEKRETERARE", "SAMVERKANSKOORDINATOR"], "guards": [{"kind": "CLOSURE_RECORDED"}]}
  ]
}
$fms$, '2026-12-04T00:00:00Z', 'hub');

-- The version a new case of a förbund starts on: the förbund's latest, or
-- the latest of the default template for a förbund without its own.
CREATE FUNCTION hub_current_routine(p_federation uuid) RETURNS uuid
    LANGUAGE sql STABLE
    AS $$ SELECT coalesce(
        (SELECT r.id FROM routines r WHERE r.federation_id = p_federation ORDER BY r.version DESC LIMIT 1),
        (SELECT r.id FROM routines r WHERE r.federation_id IS NULL AND r.key = 'samverkan' ORDER BY r.version DESC LIMIT 1)) $$;
REVOKE ALL ON FUNCTION hub_current_routine(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub_current_routine(uuid) TO hub_app;

-- Every case follows a routine version; the cases before this migration
-- start on the default's first state, with that opening as their history.
ALTER TABLE cases ADD COLUMN routine_id uuid REFERENCES routines (id);
UPDATE cases SET routine_id = '5e000000-0000-4000-8000-000000000001',
                 state = CASE WHEN state = 'OPEN' THEN 'IDENTIFIERAD' ELSE state END;
ALTER TABLE cases ALTER COLUMN routine_id SET NOT NULL, ALTER COLUMN state DROP DEFAULT;
GRANT UPDATE (routine_id) ON cases TO hub_app;

CREATE TABLE case_transitions (
    id             uuid PRIMARY KEY,
    case_id        uuid NOT NULL REFERENCES cases (id),
    org_id         uuid NOT NULL REFERENCES organizations (id),  -- the case's owner, who moves it
    individual_id  uuid NOT NULL REFERENCES individuals (id),
    routine_id     uuid NOT NULL REFERENCES routines (id),
    from_state     text CHECK (from_state ~ '^[A-Z][A-Z0-9_]{0,39}$'), -- NULL: the case opened (or moved routine)
    to_state       text NOT NULL CHECK (to_state ~ '^[A-Z][A-Z0-9_]{0,39}$'),
    reason         text CHECK (length(reason) <= 2000),
    parties        jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(parties) = 'array'),
    routes         text[] NOT NULL DEFAULT '{}',
    closure_reason text,
    outcome        text,
    wait_what      text CHECK (length(wait_what) BETWEEN 1 AND 200),
    wait_until     date,
    decision_forum text CHECK (length(decision_forum) BETWEEN 1 AND 80),
    decided_on     date,
    at             timestamptz NOT NULL,
    by_unit_id     uuid REFERENCES units (id),
    by_user_id     text NOT NULL,
    CHECK ((closure_reason IS NULL) = (outcome IS NULL)),
    CHECK ((wait_what IS NULL) = (wait_until IS NULL)),
    CHECK ((decision_forum IS NULL) = (decided_on IS NULL))
);
CREATE INDEX case_transitions_case ON case_transitions (case_id, at, id);
INSERT INTO case_transitions (id, case_id, org_id, individual_id, routine_id, from_state, to_state, at, by_unit_id, by_user_id)
SELECT gen_random_uuid(), c.id, c.org_id, c.individual_id, c.routine_id, NULL, c.state, c.opened_at, c.unit_id, c.opened_by
FROM cases c;
GRANT SELECT, INSERT ON case_transitions TO hub_app;
ALTER TABLE case_transitions ENABLE ROW LEVEL SECURITY;
CREATE POLICY owner_or_consented ON case_transitions FOR SELECT USING (
    org_id = (SELECT hub_current_org())
    OR EXISTS (SELECT 1 FROM hub_shares_person(case_transitions.individual_id)));
CREATE POLICY owner_insert ON case_transitions FOR INSERT WITH CHECK (
    org_id = (SELECT hub_current_org())
    AND EXISTS (SELECT 1 FROM cases c WHERE c.id = case_transitions.case_id
                AND c.org_id = case_transitions.org_id AND c.individual_id = case_transitions.individual_id));

-- How a case starts, stated once for every way a case is written (the
-- API, the demo, the national generator): on the förbund's current
-- routine unless one is given, in that routine's initial state unless
-- one is given, and with its opening as the first step of its history.
CREATE FUNCTION hub_case_starts() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF NEW.routine_id IS NULL THEN
        NEW.routine_id := hub_current_routine(NEW.federation_id);
    END IF;
    IF NEW.state IS NULL THEN
        NEW.state := (SELECT r.definition ->> 'initial' FROM routines r WHERE r.id = NEW.routine_id);
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER case_starts BEFORE INSERT ON cases FOR EACH ROW EXECUTE FUNCTION hub_case_starts();

CREATE FUNCTION hub_case_opened() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO case_transitions (id, case_id, org_id, individual_id, routine_id, from_state, to_state, at, by_unit_id, by_user_id)
    VALUES (gen_random_uuid(), NEW.id, NEW.org_id, NEW.individual_id, NEW.routine_id, NULL, NEW.state, NEW.opened_at, NEW.unit_id, NEW.opened_by);
    RETURN NULL;
END
$$;
CREATE TRIGGER case_opened AFTER INSERT ON cases FOR EACH ROW EXECUTE FUNCTION hub_case_opened();

-- A case's screening against its routine's criteria: the answers, and the
-- finding derived from them (eligible, and the criteria that kept the
-- person out). One per case; screening again replaces it.
CREATE TABLE case_screenings (
    case_id       uuid PRIMARY KEY REFERENCES cases (id),
    org_id        uuid NOT NULL REFERENCES organizations (id),
    individual_id uuid NOT NULL REFERENCES individuals (id),
    routine_id    uuid NOT NULL REFERENCES routines (id),
    answers       jsonb NOT NULL CHECK (jsonb_typeof(answers) = 'object'),
    eligible      boolean NOT NULL,
    failed        text[] NOT NULL,
    screened_at   timestamptz NOT NULL,
    screened_by   text NOT NULL
);
GRANT SELECT, INSERT, UPDATE ON case_screenings TO hub_app;
ALTER TABLE case_screenings ENABLE ROW LEVEL SECURITY;
CREATE POLICY owner_or_consented ON case_screenings FOR SELECT USING (
    org_id = (SELECT hub_current_org())
    OR EXISTS (SELECT 1 FROM hub_shares_class(case_screenings.individual_id, 'KOMMUN_EKONOMISKT_BISTAND')));
CREATE POLICY owner_insert ON case_screenings FOR INSERT WITH CHECK (
    org_id = (SELECT hub_current_org())
    AND EXISTS (SELECT 1 FROM cases c WHERE c.id = case_screenings.case_id
                AND c.org_id = case_screenings.org_id AND c.individual_id = case_screenings.individual_id));
CREATE POLICY owner_update ON case_screenings FOR UPDATE
    USING (org_id = (SELECT hub_current_org())) WITH CHECK (org_id = (SELECT hub_current_org()));

---- create above / drop below ----
DROP TRIGGER case_opened ON cases;
DROP TRIGGER case_starts ON cases;
DROP FUNCTION hub_case_opened();
DROP FUNCTION hub_case_starts();
DROP TABLE case_screenings;
DROP TABLE case_transitions;
REVOKE UPDATE (routine_id) ON cases FROM hub_app;
UPDATE cases SET state = 'OPEN' WHERE state = 'IDENTIFIERAD';
ALTER TABLE cases DROP COLUMN routine_id, ALTER COLUMN state SET DEFAULT 'OPEN';
DROP FUNCTION hub_current_routine(uuid);
DROP TABLE routines;
