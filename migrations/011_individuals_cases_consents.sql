-- Samtycke: individuals, the case core and consent-gated sharing.
--
-- The municipality owns individuals and cases ("kommunen är motorn").
-- Another organisation sees an individual, a case, or an item of one
-- information class only while an active samtycke names it as grantee (or
-- its unit), lists the purpose the request declared (hub.purpose) and lists
-- the class. The rule is written once, as the view consent_grants_in_force:
-- the application's queries and the row-level security policies below both
-- ask it, inside the request's transaction, so a revocation holds for the
-- very next statement on every replica.

-- The unit and declared purpose of the current transaction, and today's
-- date in Sweden (consents are valid by calendar day).
CREATE FUNCTION hub_current_unit() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT nullif(current_setting('hub.unit_id', true), '')::uuid $$;
CREATE FUNCTION hub_current_purpose() RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT nullif(current_setting('hub.purpose', true), '') $$;
CREATE FUNCTION hub_today() RETURNS date
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT (now() AT TIME ZONE 'Europe/Stockholm')::date $$;
GRANT EXECUTE ON FUNCTION hub_current_unit(), hub_current_purpose(), hub_today() TO hub_app;

CREATE TYPE information_class AS ENUM (
    'KOMMUN_EKONOMISKT_BISTAND', 'KOMMUN_PLANERING', 'FK_BESLUT', 'FK_SAMORDNING',
    'AF_INSKRIVNINGSSTATUS', 'AF_INSATSER', 'VARD_SJUKSKRIVNING',
    'VARD_MEDICINSKT_UNDERLAG', 'VARD_REHABILITERING'
);
CREATE TYPE consent_purpose AS ENUM (
    'SAMORDNAD_REHABILITERING', 'SIP', 'GEMENSAM_KARTLAGGNING', 'ANSOKAN_ERSATTNING',
    'ARBETSLIVSINRIKTAD_REHABILITERING', 'UPPFOLJNING'
);
CREATE TYPE consent_kind AS ENUM ('OSL_SEKRETESSBRYTANDE', 'PDL_SAMMANHALLEN_JOURNALFORING', 'UPPFOLJNING');

-- A person known to a municipality. The personnummer or samordningsnummer
-- is stored sealed (AES-GCM, key ring in configuration, bound to the row
-- id) with a keyed hash as the blind index for exact lookups; it never
-- appears in clear text in the database.
CREATE TABLE individuals (
    id                 uuid PRIMARY KEY,
    org_id             uuid NOT NULL REFERENCES organizations (id),
    unit_id            uuid NOT NULL REFERENCES units (id),
    number_kind        text NOT NULL CHECK (number_kind IN ('PERSONNUMMER', 'SAMORDNINGSNUMMER')),
    number_index       bytea NOT NULL CHECK (length(number_index) = 32),
    number_sealed      bytea NOT NULL,
    number_key_id      text NOT NULL,
    given_name         text NOT NULL CHECK (length(given_name) BETWEEN 1 AND 100),
    family_name        text NOT NULL CHECK (length(family_name) BETWEEN 1 AND 100),
    -- Skyddade personuppgifter: outside the owning unit only the handle.
    protected_identity boolean NOT NULL DEFAULT false,
    handle             text NOT NULL UNIQUE,
    registered_at      timestamptz NOT NULL,
    registered_by      text NOT NULL,
    UNIQUE (org_id, number_index)
);
CREATE INDEX individuals_number_index ON individuals (number_index);
CREATE INDEX individuals_org_registered ON individuals (org_id, registered_at DESC, id DESC);

-- A samtycke, recorded by the owning municipality on the person's behalf.
-- Never deleted: revocation and expiry keep the record for audit.
CREATE TABLE consents (
    id                  uuid PRIMARY KEY,
    org_id              uuid NOT NULL REFERENCES organizations (id),
    individual_id       uuid NOT NULL REFERENCES individuals (id),
    kind                consent_kind NOT NULL,
    purposes            consent_purpose[] NOT NULL CHECK (cardinality(purposes) BETWEEN 1 AND 6),
    given_by            text NOT NULL CHECK (given_by IN ('PERSON', 'LEGAL_REPRESENTATIVE')),
    representative_name text CHECK (length(representative_name) BETWEEN 1 AND 200),
    valid_from          date NOT NULL,
    valid_until         date NOT NULL,
    evidence            text NOT NULL CHECK (evidence IN ('WRITTEN', 'ORAL')),
    form_reference      text CHECK (length(form_reference) BETWEEN 1 AND 200),
    witnessed_by        text CHECK (length(witnessed_by) BETWEEN 1 AND 200),
    requested_by_org_id uuid NOT NULL REFERENCES organizations (id),
    registered_at       timestamptz NOT NULL,
    registered_by       text NOT NULL,
    registered_by_name  text NOT NULL,
    revoked_at          timestamptz,
    revoked_by          text,
    revocation_reason   text CHECK (length(revocation_reason) BETWEEN 1 AND 1000),
    CHECK (valid_until >= valid_from),
    CHECK ((given_by = 'LEGAL_REPRESENTATIVE') = (representative_name IS NOT NULL)),
    CHECK (evidence <> 'WRITTEN' OR form_reference IS NOT NULL),
    CHECK (evidence <> 'ORAL' OR witnessed_by IS NOT NULL),
    CHECK ((revoked_at IS NULL) = (revoked_by IS NULL) AND (revoked_at IS NULL) = (revocation_reason IS NULL))
);
CREATE INDEX consents_individual ON consents (individual_id, registered_at DESC);

-- One row per consent and grantee: which information classes may go to
-- that organisation (or only to its unit). The consent's kind, purposes,
-- period and revocation are copied here, in the same transaction that
-- writes the consent, so that the rule reads one row.
CREATE TABLE consent_grants (
    consent_id      uuid NOT NULL REFERENCES consents (id),
    org_id          uuid NOT NULL REFERENCES organizations (id),
    individual_id   uuid NOT NULL REFERENCES individuals (id),
    grantee_org_id  uuid NOT NULL REFERENCES organizations (id),
    grantee_unit_id uuid REFERENCES units (id),
    classes         information_class[] NOT NULL CHECK (cardinality(classes) BETWEEN 1 AND 9),
    kind            consent_kind NOT NULL,
    purposes        consent_purpose[] NOT NULL,
    valid_from      date NOT NULL,
    valid_until     date NOT NULL,
    revoked_at      timestamptz,
    -- PDL governs health care information only; UPPFOLJNING shares nothing.
    CHECK (kind <> 'PDL_SAMMANHALLEN_JOURNALFORING'
           OR classes <@ '{VARD_SJUKSKRIVNING,VARD_MEDICINSKT_UNDERLAG,VARD_REHABILITERING}'::information_class[]),
    CHECK (kind <> 'UPPFOLJNING')
);
CREATE UNIQUE INDEX consent_grants_grantee ON consent_grants (consent_id, grantee_org_id, coalesce(grantee_unit_id, '00000000-0000-0000-0000-000000000000'));
-- The rule's two access paths: "is this individual shared with me" and
-- "which individuals are shared with me".
CREATE INDEX consent_grants_in_force_individual ON consent_grants (individual_id, grantee_org_id) WHERE revoked_at IS NULL;
CREATE INDEX consent_grants_in_force_grantee ON consent_grants (grantee_org_id, individual_id) WHERE revoked_at IS NULL;

-- THE RULE. The samtycken in force for the current transaction's principal:
-- not revoked, valid today, naming its organisation (or its unit), listing
-- the purpose the request declared, and of a kind that shares information
-- (UPPFOLJNING only allows counting by name in follow-up). A class is
-- shared if it is in classes. Only a secrecy waiver between agencies (OSL)
-- shares the person and the case core; a PDL samtycke shares health care
-- items between care providers and nothing of the municipality's.
CREATE VIEW consent_grants_in_force WITH (security_invoker = true) AS
    SELECT g.consent_id, g.individual_id, g.classes, g.kind = 'OSL_SEKRETESSBRYTANDE' AS shares_person
    FROM consent_grants g
    WHERE g.revoked_at IS NULL
      AND g.grantee_org_id = hub_current_org()
      AND (g.grantee_unit_id IS NULL OR g.grantee_unit_id = hub_current_unit())
      AND g.kind IN ('OSL_SEKRETESSBRYTANDE', 'PDL_SAMMANHALLEN_JOURNALFORING')
      AND hub_current_purpose()::consent_purpose = ANY (g.purposes)
      AND g.valid_from <= hub_today() AND hub_today() <= g.valid_until;

-- A samverkansärende, owned by a municipality unit and following one
-- federation's routine. The routine's states, tasks, SIP and meetings
-- come later; state is open text for them.
CREATE TABLE cases (
    id                  uuid PRIMARY KEY,
    org_id              uuid NOT NULL REFERENCES organizations (id),
    unit_id             uuid NOT NULL REFERENCES units (id),
    individual_id       uuid NOT NULL REFERENCES individuals (id),
    federation_id       uuid NOT NULL REFERENCES federations (id),
    lead_unit_id        uuid NOT NULL REFERENCES units (id),
    lead_user_id        text CHECK (length(lead_user_id) BETWEEN 1 AND 200),
    lead_name           text CHECK (length(lead_name) BETWEEN 1 AND 200),
    sgi                 text NOT NULL CHECK (sgi IN ('YES', 'NO', 'UNKNOWN')),
    on_forsorjningsstod boolean NOT NULL,
    health_obstacle     boolean NOT NULL,
    care_contact        boolean NOT NULL,
    af_status           text NOT NULL CHECK (af_status IN ('INSKRIVEN', 'INTE_INSKRIVEN', 'UNKNOWN')),
    state               text NOT NULL DEFAULT 'OPEN' CHECK (state ~ '^[A-Z_]{1,40}$'),
    opened_at           timestamptz NOT NULL,
    opened_by           text NOT NULL
);
CREATE INDEX cases_individual ON cases (individual_id);
CREATE INDEX cases_opened ON cases (opened_at DESC, id DESC);
CREATE INDEX cases_org_opened ON cases (org_id, opened_at DESC, id DESC);

-- Organisations (or units) that take part in a case, added by the owner.
CREATE TABLE case_participants (
    case_id             uuid NOT NULL REFERENCES cases (id),
    org_id              uuid NOT NULL REFERENCES organizations (id),
    individual_id       uuid NOT NULL REFERENCES individuals (id),
    participant_org_id  uuid NOT NULL REFERENCES organizations (id),
    participant_unit_id uuid REFERENCES units (id),
    added_at            timestamptz NOT NULL,
    added_by            text NOT NULL
);
CREATE UNIQUE INDEX case_participants_unique ON case_participants (case_id, participant_org_id, coalesce(participant_unit_id, '00000000-0000-0000-0000-000000000000'));

-- What a party records in a case: status, decisions, contacts, never
-- medical records. org_id is the party that wrote it; its class names
-- whose information it is.
CREATE TABLE case_items (
    id            uuid PRIMARY KEY,
    case_id       uuid NOT NULL REFERENCES cases (id),
    individual_id uuid NOT NULL REFERENCES individuals (id),
    case_org_id   uuid NOT NULL REFERENCES organizations (id), -- the person's municipality
    org_id        uuid NOT NULL REFERENCES organizations (id),
    class         information_class NOT NULL,
    purpose       consent_purpose NOT NULL,
    summary       text NOT NULL CHECK (length(summary) BETWEEN 1 AND 4000),
    recorded_at   timestamptz NOT NULL,
    recorded_by   text NOT NULL
);
CREATE INDEX case_items_case ON case_items (case_id, recorded_at, id);

-- The loggutdrag: every read and change of a person's personal data, by
-- any organisation, with the purpose and the samtycke that allowed it.
-- Written by the acting organisation in the same transaction as its audit
-- record (audit_seq links them), readable by the individual's owner.
CREATE TABLE personal_data_access (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_org_id  uuid NOT NULL REFERENCES organizations (id),
    individual_id uuid NOT NULL REFERENCES individuals (id),
    at            timestamptz NOT NULL,
    actor_org_id  uuid NOT NULL REFERENCES organizations (id),
    actor_unit_id uuid,
    user_id       text NOT NULL,
    roles         text[] NOT NULL,
    purpose       consent_purpose,
    operation     text NOT NULL,
    action        text NOT NULL CHECK (action IN ('READ', 'WRITE')),
    object_id     text NOT NULL,
    consent_id    uuid REFERENCES consents (id),
    audit_seq     bigint NOT NULL
);
CREATE INDEX personal_data_access_individual ON personal_data_access (individual_id, id DESC);

GRANT SELECT, INSERT ON individuals, consents, consent_grants, cases, case_participants, case_items, personal_data_access TO hub_app;
GRANT UPDATE (revoked_at, revoked_by, revocation_reason) ON consents TO hub_app;
GRANT UPDATE (revoked_at) ON consent_grants TO hub_app;
GRANT UPDATE (lead_unit_id, lead_user_id, lead_name, sgi, on_forsorjningsstod, health_obstacle, care_contact, af_status, state) ON cases TO hub_app;
GRANT SELECT ON consent_grants_in_force TO hub_app;

-- Row-level security: the same rule, as a second line of defence behind
-- the application's queries.
ALTER TABLE individuals ENABLE ROW LEVEL SECURITY;
CREATE POLICY owner_or_consented ON individuals FOR SELECT USING (
    org_id = (SELECT hub_current_org())
    OR EXISTS (SELECT 1 FROM consent_grants_in_force g WHERE g.individual_id = individuals.id AND g.shares_person));
CREATE POLICY own_insert ON individuals FOR INSERT WITH CHECK (org_id = (SELECT hub_current_org()));

-- Samtycken are recorded for the own organisation's people, and change
-- once only: from in force to revoked, never back.
ALTER TABLE consents ENABLE ROW LEVEL SECURITY;
CREATE POLICY owner_only ON consents FOR SELECT USING (org_id = (SELECT hub_current_org()));
CREATE POLICY own_insert ON consents FOR INSERT WITH CHECK (
    org_id = (SELECT hub_current_org()) AND revoked_at IS NULL
    AND EXISTS (SELECT 1 FROM individuals i WHERE i.id = consents.individual_id AND i.org_id = (SELECT hub_current_org())));
CREATE POLICY own_revoke ON consents FOR UPDATE
    USING (org_id = (SELECT hub_current_org()) AND revoked_at IS NULL)
    WITH CHECK (org_id = (SELECT hub_current_org()) AND revoked_at IS NOT NULL);

-- A grantee reads its own grants in force (the rule needs them); the owner
-- reads all. A grant repeats its samtycke exactly, or it cannot be written.
ALTER TABLE consent_grants ENABLE ROW LEVEL SECURITY;
CREATE POLICY owner_or_grantee ON consent_grants FOR SELECT USING (
    org_id = (SELECT hub_current_org())
    OR (grantee_org_id = (SELECT hub_current_org()) AND revoked_at IS NULL));
CREATE POLICY own_insert ON consent_grants FOR INSERT WITH CHECK (
    org_id = (SELECT hub_current_org()) AND revoked_at IS NULL
    AND EXISTS (SELECT 1 FROM consents c
                WHERE c.id = consent_grants.consent_id AND c.org_id = (SELECT hub_current_org()) AND c.revoked_at IS NULL
                  AND c.individual_id = consent_grants.individual_id AND c.kind = consent_grants.kind
                  AND c.purposes = consent_grants.purposes AND c.valid_from = consent_grants.valid_from
                  AND c.valid_until = consent_grants.valid_until));
CREATE POLICY own_revoke ON consent_grants FOR UPDATE
    USING (org_id = (SELECT hub_current_org()) AND revoked_at IS NULL)
    WITH CHECK (org_id = (SELECT hub_current_org()) AND revoked_at IS NOT NULL);

ALTER TABLE cases ENABLE ROW LEVEL SECURITY;
CREATE POLICY owner_or_consented ON cases FOR SELECT USING (
    org_id = (SELECT hub_current_org())
    OR EXISTS (SELECT 1 FROM consent_grants_in_force g WHERE g.individual_id = cases.individual_id AND g.shares_person));
CREATE POLICY own_insert ON cases FOR INSERT WITH CHECK (
    org_id = (SELECT hub_current_org())
    AND EXISTS (SELECT 1 FROM individuals i WHERE i.id = cases.individual_id AND i.org_id = (SELECT hub_current_org())));
CREATE POLICY own_update ON cases FOR UPDATE USING (org_id = (SELECT hub_current_org())) WITH CHECK (org_id = (SELECT hub_current_org()));

-- Who takes part is the municipality's planning (KOMMUN_PLANERING).
ALTER TABLE case_participants ENABLE ROW LEVEL SECURITY;
CREATE POLICY owner_or_consented ON case_participants FOR SELECT USING (
    org_id = (SELECT hub_current_org())
    OR EXISTS (SELECT 1 FROM consent_grants_in_force g WHERE g.individual_id = case_participants.individual_id
               AND g.shares_person AND 'KOMMUN_PLANERING' = ANY (g.classes)));
CREATE POLICY own_insert ON case_participants FOR INSERT WITH CHECK (
    org_id = (SELECT hub_current_org())
    AND EXISTS (SELECT 1 FROM cases c WHERE c.id = case_participants.case_id AND c.org_id = (SELECT hub_current_org())
                AND c.individual_id = case_participants.individual_id));

-- The class prefix of the organisation the transaction acts for: an
-- organisation writes items of its own classes only.
CREATE FUNCTION hub_own_class_prefix() RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT CASE o.kind::text WHEN 'KOMMUN' THEN 'KOMMUN_' WHEN 'FK' THEN 'FK_' WHEN 'AF' THEN 'AF_'
                                   WHEN 'REGION' THEN 'VARD_' END
          FROM organizations o WHERE o.id = hub_current_org() $$;
GRANT EXECUTE ON FUNCTION hub_own_class_prefix() TO hub_app;

-- An item is seen by the party that wrote it and by grantees of its class;
-- a party writes items of its own classes, into a case it can see (row
-- security on cases applies inside the check), consistent with that case.
ALTER TABLE case_items ENABLE ROW LEVEL SECURITY;
CREATE POLICY writer_or_consented ON case_items FOR SELECT USING (
    org_id = (SELECT hub_current_org())
    OR EXISTS (SELECT 1 FROM consent_grants_in_force g
               WHERE g.individual_id = case_items.individual_id AND case_items.class = ANY (g.classes)));
CREATE POLICY writer_insert ON case_items FOR INSERT WITH CHECK (
    org_id = (SELECT hub_current_org())
    AND starts_with(class::text, (SELECT hub_own_class_prefix()))
    AND EXISTS (SELECT 1 FROM cases c WHERE c.id = case_items.case_id
                AND c.individual_id = case_items.individual_id AND c.org_id = case_items.case_org_id));

-- The loggutdrag row names the person's real municipality: checked with
-- the owner's rights, since the actor may no longer see the person (a
-- party reading its own item after a revocation).
CREATE FUNCTION hub_individual_belongs_to(p_individual uuid, p_org uuid) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT EXISTS (SELECT 1 FROM individuals WHERE id = p_individual AND org_id = p_org) $$;
REVOKE ALL ON FUNCTION hub_individual_belongs_to(uuid, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub_individual_belongs_to(uuid, uuid) TO hub_app;

ALTER TABLE personal_data_access ENABLE ROW LEVEL SECURITY;
CREATE POLICY owner_read ON personal_data_access FOR SELECT USING (owner_org_id = (SELECT hub_current_org()));
CREATE POLICY actor_insert ON personal_data_access FOR INSERT WITH CHECK (
    actor_org_id = (SELECT hub_current_org())
    AND hub_individual_belongs_to(individual_id, owner_org_id));

---- create above / drop below ----

DROP POLICY owner_or_consented ON individuals;
DROP TABLE personal_data_access;
DROP TABLE case_items;
DROP TABLE case_participants;
DROP TABLE cases;
DROP VIEW consent_grants_in_force;
DROP TABLE consent_grants;
DROP TABLE consents;
DROP TABLE individuals;
DROP FUNCTION hub_individual_belongs_to(uuid, uuid);
DROP FUNCTION hub_own_class_prefix();
DROP TYPE consent_kind;
DROP TYPE consent_purpose;
DROP TYPE information_class;
DROP FUNCTION hub_today();
DROP FUNCTION hub_current_purpose();
DROP FUNCTION hub_current_unit();
