-- The evidence behind an application for sjuk- or aktivitetsersättning
-- (issue 14 §3): per case, a checklist of what Försäkringskassan needs and
-- who provides it. An item records that a piece of underlag is asked for,
-- has arrived or is held by a party, or that the lead waived it and why;
-- never its content (the läkarutlåtande stays in the care provider's
-- journal). One row per case and kind; an item with no row is missing.
--
-- Each item is of the information class of the party that holds it
-- (internal/evidence.Kinds): the läkarutlåtande and the sick-leave history
-- are the care provider's (VARD_MEDICINSKT_UNDERLAG, VARD_SJUKSKRIVNING),
-- the record of work-oriented rehabilitation AF's (AF_INSATSER), the
-- socialtjänst's statement the municipality's (KOMMUN_PLANERING). The case's
-- municipality reads and writes its items; another party reads an item
-- only while a samtycke in force for the declared purpose shares the person
-- and that class with it (hub_shares_class, as case_items).
CREATE TABLE case_evidence (
    case_id        uuid NOT NULL REFERENCES cases (id),
    kind           text NOT NULL CHECK (kind IN ('LAKARUTLATANDE', 'AF_REHABILITERING', 'SJUKSKRIVNINGSHISTORIK', 'SOCIALTJANSTENS_YTTRANDE')),
    org_id         uuid NOT NULL REFERENCES organizations (id),  -- the case's owner, who keeps the checklist
    individual_id  uuid NOT NULL REFERENCES individuals (id),
    class          information_class NOT NULL,
    status         text NOT NULL CHECK (status IN ('REQUESTED', 'RECEIVED', 'WAIVED')),
    task_id        uuid REFERENCES tasks (id),                   -- the request, when sent through the hub
    holder_org_id  uuid REFERENCES organizations (id),           -- who holds the underlag
    received_on    date,
    waiver_reason  text CHECK (length(waiver_reason) BETWEEN 1 AND 2000),
    requested_at   timestamptz,
    requested_by   text,
    updated_at     timestamptz NOT NULL,
    updated_by_unit_id uuid REFERENCES units (id),
    updated_by     text NOT NULL,
    PRIMARY KEY (case_id, kind),
    CHECK ((status = 'RECEIVED') = (received_on IS NOT NULL)),
    CHECK ((status = 'WAIVED') = (waiver_reason IS NOT NULL)),
    CHECK (status <> 'REQUESTED' OR requested_at IS NOT NULL)
);
GRANT SELECT, INSERT ON case_evidence TO hub_app;
GRANT UPDATE (status, task_id, holder_org_id, received_on, waiver_reason, requested_at, requested_by,
              updated_at, updated_by_unit_id, updated_by) ON case_evidence TO hub_app;
ALTER TABLE case_evidence ENABLE ROW LEVEL SECURITY;
CREATE POLICY owner_or_consented ON case_evidence FOR SELECT USING (
    org_id = (SELECT hub_current_org())
    OR EXISTS (SELECT 1 FROM hub_shares_class(case_evidence.individual_id, case_evidence.class)));
CREATE POLICY owner_insert ON case_evidence FOR INSERT WITH CHECK (
    org_id = (SELECT hub_current_org())
    AND EXISTS (SELECT 1 FROM cases c WHERE c.id = case_evidence.case_id
                AND c.org_id = case_evidence.org_id AND c.individual_id = case_evidence.individual_id));
CREATE POLICY owner_update ON case_evidence FOR UPDATE
    USING (org_id = (SELECT hub_current_org()))
    WITH CHECK (org_id = (SELECT hub_current_org()));

-- The default routine's version 2: the step to VAG_VALD also runs
-- EVIDENCE_COMPLETE, which holds unless the step names the route
-- ANSOKAN_ERSATTNING while the case's checklist has an item neither
-- received nor waived. New cases start on it (hub_current_routine takes the
-- latest version); open cases stay on version 1 until moved with
-- moveCaseToRoutine, as for any new version.
INSERT INTO routines (id, org_id, federation_id, key, name, version, definition, created_at, created_by) VALUES
('5e000000-0000-4000-8000-000000000003', NULL, NULL, 'samverkan', 'Samverkansrutin', 2, $samverkan2$

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
    {"from": ["GEMENSAM_PLANERING"], "to": "VAG_VALD", "roles": ["SOCIALSEKRETERARE", "FORSTE_SOCIALSEKRETERARE", "SAMVERKANSKOORDINATOR"], "guards": [{"kind": "ROUTES_NAMED"}, {"kind": "EVIDENCE_COMPLETE"}]},
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
$samverkan2$, '2026-12-05T00:00:00Z', 'hub');

-- Outcomes (issue 14 §4). FK's repayments to the municipality of
-- försörjningsstöd paid while a benefit was being decided (Landskrona: 3.755
-- Mkr), for the förbund's follow-up: several per case, recorded by the
-- case's municipality. They are ekonomiskt bistånd's information
-- (KOMMUN_EKONOMISKT_BISTAND): another party sees them only while a
-- samtycke in force shares that class with it.
CREATE TABLE case_repayments (
    id            uuid PRIMARY KEY,
    case_id       uuid NOT NULL REFERENCES cases (id),
    org_id        uuid NOT NULL REFERENCES organizations (id),  -- the case's owner
    individual_id uuid NOT NULL REFERENCES individuals (id),
    amount_kronor bigint NOT NULL CHECK (amount_kronor BETWEEN 1 AND 10000000),
    paid_on       date NOT NULL,
    recorded_at   timestamptz NOT NULL,
    by_unit_id    uuid REFERENCES units (id),
    recorded_by   text NOT NULL
);
CREATE INDEX case_repayments_case ON case_repayments (case_id, paid_on, id);
GRANT SELECT, INSERT ON case_repayments TO hub_app;
ALTER TABLE case_repayments ENABLE ROW LEVEL SECURITY;
CREATE POLICY owner_or_consented ON case_repayments FOR SELECT USING (
    org_id = (SELECT hub_current_org())
    OR EXISTS (SELECT 1 FROM hub_shares_class(case_repayments.individual_id, 'KOMMUN_EKONOMISKT_BISTAND')));
CREATE POLICY owner_insert ON case_repayments FOR INSERT WITH CHECK (
    org_id = (SELECT hub_current_org())
    AND EXISTS (SELECT 1 FROM cases c WHERE c.id = case_repayments.case_id
                AND c.org_id = case_repayments.org_id AND c.individual_id = case_repayments.individual_id));

-- Re-actualisation (Kolada: "ej återaktualiserade ett år efter avslut"): a
-- case opened for a person whose previous case in the same organisation
-- closed (its last step led to a final state of its routine) less than a
-- year before is linked to that case, however the case is written. The
-- link is part of the case core (hub_shares_person); the earlier case
-- shows only as far as the reader may see it.
CREATE TABLE case_reactualisations (
    case_id         uuid PRIMARY KEY REFERENCES cases (id),
    earlier_case_id uuid NOT NULL REFERENCES cases (id),
    org_id          uuid NOT NULL REFERENCES organizations (id),
    individual_id   uuid NOT NULL REFERENCES individuals (id),
    earlier_closed_at timestamptz NOT NULL
);
GRANT SELECT ON case_reactualisations TO hub_app;
ALTER TABLE case_reactualisations ENABLE ROW LEVEL SECURITY;
CREATE POLICY owner_or_consented ON case_reactualisations FOR SELECT USING (
    org_id = (SELECT hub_current_org())
    OR EXISTS (SELECT 1 FROM hub_shares_person(case_reactualisations.individual_id)));

-- Runs as the table owner: the link is the database's finding, not the
-- writer's, and is written whoever opens the case.
CREATE FUNCTION hub_case_reactualises() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
BEGIN
    INSERT INTO case_reactualisations (case_id, earlier_case_id, org_id, individual_id, earlier_closed_at)
    SELECT NEW.id, e.id, NEW.org_id, NEW.individual_id, t.at
    FROM cases e
    CROSS JOIN LATERAL (SELECT t.at, t.to_state, t.routine_id FROM case_transitions t
                        WHERE t.case_id = e.id ORDER BY t.at DESC, t.id DESC LIMIT 1) t
    JOIN routines r ON r.id = t.routine_id
    WHERE e.individual_id = NEW.individual_id AND e.org_id = NEW.org_id AND e.id <> NEW.id
      AND e.state = t.to_state
      AND EXISTS (SELECT 1 FROM jsonb_array_elements(r.definition -> 'states') st
                  WHERE st ->> 'name' = t.to_state AND coalesce((st ->> 'final')::boolean, false))
      AND t.at > NEW.opened_at - interval '1 year' AND t.at <= NEW.opened_at
    ORDER BY t.at DESC
    LIMIT 1;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION hub_case_reactualises() FROM PUBLIC;
CREATE TRIGGER case_reactualises AFTER INSERT ON cases FOR EACH ROW EXECUTE FUNCTION hub_case_reactualises();

-- The closure step also records the benefit granted, if any, and from
-- when (issue 14 §4): part of the step's details (KOMMUN_PLANERING), like
-- the closure reason and the outcome it belongs to.
ALTER TABLE case_transitions
    ADD COLUMN benefit_kind text CHECK (benefit_kind IN ('SJUKERSATTNING', 'AKTIVITETSERSATTNING', 'SJUKPENNING', 'ETABLERINGSERSATTNING')),
    ADD COLUMN benefit_from date,
    ADD CONSTRAINT case_transitions_benefit_pair CHECK ((benefit_kind IS NULL) = (benefit_from IS NULL)),
    ADD CONSTRAINT case_transitions_benefit_closes CHECK (benefit_kind IS NULL OR closure_reason IS NOT NULL);

---- create above / drop below ----

ALTER TABLE case_transitions DROP COLUMN benefit_from, DROP COLUMN benefit_kind;

DROP TRIGGER case_reactualises ON cases;
DROP FUNCTION hub_case_reactualises();
DROP TABLE case_reactualisations;
DROP TABLE case_repayments;

UPDATE cases SET routine_id = '5e000000-0000-4000-8000-000000000001' WHERE routine_id = '5e000000-0000-4000-8000-000000000003';
UPDATE case_transitions SET routine_id = '5e000000-0000-4000-8000-000000000001' WHERE routine_id = '5e000000-0000-4000-8000-000000000003';
UPDATE case_screenings SET routine_id = '5e000000-0000-4000-8000-000000000001' WHERE routine_id = '5e000000-0000-4000-8000-000000000003';
DELETE FROM routines WHERE id = '5e000000-0000-4000-8000-000000000003';
DROP TABLE case_evidence;
