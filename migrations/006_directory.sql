-- En väg in: the contact directory, organised by function, not by person.
-- An entry is a function at an organisation (or one of its units) that
-- handles some topics for some municipalities, with its contact channels
-- and a fallback entry for when it does not answer.

CREATE TYPE directory_topic AS ENUM (
    'SAMORDNAD_REHABILITERING', 'SJUKERSATTNING', 'AKTIVITETSERSATTNING',
    'ARBETSLIVSINRIKTAD_REHABILITERING', 'AF_INSKRIVNING', 'MEDICINSKT_UNDERLAG',
    'SJUKSKRIVNING', 'SIP', 'GEMENSAM_KARTLAGGNING', 'EKONOMISKT_BISTAND',
    'PSYKIATRI', 'SAMTYCKE_BLANKETT', 'FORBUNDETS_INSATSER'
);

-- PUBLIC: every signed-in person; FEDERATION: members of a förbund the
-- owner is a member of (or the förbund itself); ORGANISATION: own staff.
CREATE TYPE directory_visibility AS ENUM ('PUBLIC', 'FEDERATION', 'ORGANISATION');

CREATE TYPE directory_channel_kind AS ENUM (
    'PHONE', 'FUNKTIONSBREVLADA', 'SECURE_MESSAGE', 'VISITING_ADDRESS', 'ON_SITE'
);

CREATE TABLE directory_entries (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id             uuid NOT NULL REFERENCES organizations (id),
    unit_id            uuid,
    function_name      text NOT NULL CHECK (length(function_name) BETWEEN 1 AND 200),
    description        text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    topics             directory_topic[] NOT NULL CHECK (cardinality(topics) BETWEEN 1 AND 13),
    -- Topics for which this function is the responsible party (FK's
    -- samordningsansvar, AF's arbetslivsinriktade rehabilitering): listed
    -- first among equally close matches.
    lead_topics        directory_topic[] NOT NULL DEFAULT '{}' CHECK (topics @> lead_topics),
    target_groups      text[] NOT NULL DEFAULT '{}',
    -- Coverage: the municipalities served; national entries serve all.
    municipality_codes char(4)[] NOT NULL DEFAULT '{}',
    national           boolean NOT NULL DEFAULT false,
    visibility         directory_visibility NOT NULL,
    expected_answer    text CHECK (length(expected_answer) <= 200),
    fallback_entry_id  uuid REFERENCES directory_entries (id),
    staffed_by_roles   text[] NOT NULL DEFAULT '{}',
    contact_persons    text[] NOT NULL DEFAULT '{}',
    reviewed_at        timestamptz NOT NULL,
    reviewed_by        text NOT NULL,
    archived_at        timestamptz,
    archived_by        text,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, unit_id) REFERENCES units (org_id, id),
    CHECK (national OR cardinality(municipality_codes) > 0),
    CHECK (fallback_entry_id IS DISTINCT FROM id)
);
CREATE INDEX directory_entries_topics ON directory_entries USING gin (topics) WHERE archived_at IS NULL;
CREATE INDEX directory_entries_municipalities ON directory_entries USING gin (municipality_codes) WHERE archived_at IS NULL;
CREATE INDEX directory_entries_org ON directory_entries (org_id);

CREATE TABLE directory_channels (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id        uuid NOT NULL,
    entry_id      uuid NOT NULL,
    position      int  NOT NULL DEFAULT 0,
    kind          directory_channel_kind NOT NULL,
    value         text NOT NULL CHECK (length(value) BETWEEN 1 AND 500),
    note          text NOT NULL DEFAULT '' CHECK (length(note) <= 500),
    -- Weekly hours: [{"day": 1-7 (Monday = 1), "from": "09:00", "to": "12:00"}].
    opening_hours jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(opening_hours) = 'array'),
    visibility    directory_visibility NOT NULL,
    FOREIGN KEY (org_id, entry_id) REFERENCES directory_entries (org_id, id) ON DELETE CASCADE
);
CREATE INDEX directory_channels_entry ON directory_channels (entry_id, position);

GRANT SELECT, INSERT, UPDATE ON directory_entries, directory_channels TO hub_app;
GRANT DELETE ON directory_channels TO hub_app;

-- Visibility is decided by the directory's own query (and the authz entry
-- point); row security confines writes to the own organisation and hides
-- ORGANISATION-visible rows from everyone else as a second line.
ALTER TABLE directory_entries ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_visible ON directory_entries FOR SELECT
    USING (visibility <> 'ORGANISATION' OR org_id = (SELECT hub_current_org()));
CREATE POLICY own_insert ON directory_entries FOR INSERT WITH CHECK (org_id = (SELECT hub_current_org()));
CREATE POLICY own_update ON directory_entries FOR UPDATE
    USING (org_id = (SELECT hub_current_org())) WITH CHECK (org_id = (SELECT hub_current_org()));

ALTER TABLE directory_channels ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_visible ON directory_channels FOR SELECT
    USING (visibility <> 'ORGANISATION' OR org_id = (SELECT hub_current_org()));
CREATE POLICY own_insert ON directory_channels FOR INSERT WITH CHECK (org_id = (SELECT hub_current_org()));
CREATE POLICY own_update ON directory_channels FOR UPDATE
    USING (org_id = (SELECT hub_current_org())) WITH CHECK (org_id = (SELECT hub_current_org()));
CREATE POLICY own_delete ON directory_channels FOR DELETE USING (org_id = (SELECT hub_current_org()));

---- create above / drop below ----

REVOKE ALL ON directory_entries, directory_channels FROM hub_app;
DROP TABLE directory_channels;
DROP TABLE directory_entries;
DROP TYPE directory_channel_kind;
DROP TYPE directory_visibility;
DROP TYPE directory_topic;
