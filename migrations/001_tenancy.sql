-- Tenancy: organisations (tenants), their units, the municipalities they
-- serve, and the samordningsförbund (federations) they are members of.
--
-- Convention: every tenant-scoped table has org_id, the owning organisation,
-- so that row-level security can filter on it and a sharded Postgres can
-- distribute by it.

CREATE EXTENSION IF NOT EXISTS btree_gist;

-- Reference data: Swedish counties (län) and municipalities (kommuner) with
-- their SCB codes. Not tenant-scoped.
CREATE TABLE counties (
    code char(2) PRIMARY KEY CHECK (code ~ '^[0-9]{2}$'),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100)
);

CREATE TABLE municipalities (
    code        char(4) PRIMARY KEY CHECK (code ~ '^[0-9]{4}$'),
    name        text    NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    county_code char(2) NOT NULL REFERENCES counties (code),
    -- The first two digits of a kommunkod are the county's code.
    CHECK (left(code, 2) = county_code)
);

CREATE TYPE organization_kind AS ENUM ('KOMMUN', 'FK', 'AF', 'REGION', 'SAMORDNINGSFORBUND');

CREATE TABLE organizations (
    id         uuid              PRIMARY KEY DEFAULT gen_random_uuid(),
    kind       organization_kind NOT NULL,
    name       text              NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- Swedish organisationsnummer, NNNNNN-NNNN.
    org_number text              NOT NULL UNIQUE CHECK (org_number ~ '^[0-9]{6}-[0-9]{4}$'),
    created_at timestamptz       NOT NULL DEFAULT now()
);
-- Keyset pagination orders organisations by (name, id).
CREATE INDEX organizations_name_id ON organizations (name, id);
CREATE INDEX organizations_kind_name_id ON organizations (kind, name, id);

-- The municipalities an organisation serves (a kommun itself, a region its
-- county, FK and AF where they have offices in the hub).
CREATE TABLE organization_municipalities (
    org_id            uuid    NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    municipality_code char(4) NOT NULL REFERENCES municipalities (code),
    PRIMARY KEY (org_id, municipality_code)
);
CREATE INDEX organization_municipalities_code ON organization_municipalities (municipality_code, org_id);

CREATE TYPE unit_kind AS ENUM (
    'FORVALTNING', 'EKONOMISKT_BISTAND', 'ARBETSMARKNAD', 'LOKALKONTOR',
    'VARDCENTRAL', 'PSYKIATRI', 'KANSLI', 'ANNAN'
);

-- Units (enheter) form a tree within one organisation.
CREATE TABLE units (
    id        uuid      PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id    uuid      NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    parent_id uuid,
    kind      unit_kind NOT NULL,
    name      text      NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    UNIQUE (org_id, id),
    -- A parent always belongs to the same organisation.
    FOREIGN KEY (org_id, parent_id) REFERENCES units (org_id, id),
    CHECK (parent_id IS DISTINCT FROM id)
);
CREATE INDEX units_org_name ON units (org_id, name, id);
CREATE INDEX units_parent ON units (parent_id) WHERE parent_id IS NOT NULL;

CREATE TABLE unit_municipalities (
    org_id            uuid    NOT NULL,
    unit_id           uuid    NOT NULL,
    municipality_code char(4) NOT NULL REFERENCES municipalities (code),
    PRIMARY KEY (unit_id, municipality_code),
    FOREIGN KEY (org_id, unit_id) REFERENCES units (org_id, id) ON DELETE CASCADE
);
CREATE INDEX unit_municipalities_code ON unit_municipalities (municipality_code);

-- A federation (samordningsförbund) is itself an organisation of kind
-- SAMORDNINGSFORBUND; org_id is that organisation, which owns the row.
CREATE TABLE federations (
    id         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id     uuid        NOT NULL UNIQUE REFERENCES organizations (id) ON DELETE CASCADE,
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (org_id, id)
);
CREATE INDEX federations_name_id ON federations (name, id);

-- Membership periods: [valid_from, valid_to), valid_to NULL = open-ended.
-- Rows are owned by the federation's organisation.
CREATE TABLE federation_memberships (
    id            uuid NOT NULL PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id        uuid NOT NULL,
    federation_id uuid NOT NULL,
    member_org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    valid_from    date NOT NULL,
    valid_to      date,
    FOREIGN KEY (org_id, federation_id) REFERENCES federations (org_id, id) ON DELETE CASCADE,
    CHECK (valid_to IS NULL OR valid_to > valid_from),
    -- One organisation cannot be a member of the same federation twice at once.
    EXCLUDE USING gist (
        federation_id WITH =,
        member_org_id WITH =,
        daterange(valid_from, valid_to) WITH &&
    )
);
CREATE INDEX federation_memberships_member ON federation_memberships (member_org_id);

---- create above / drop below ----

DROP TABLE federation_memberships;
DROP TABLE federations;
DROP TABLE unit_municipalities;
DROP TABLE units;
DROP TYPE unit_kind;
DROP TABLE organization_municipalities;
DROP TABLE organizations;
DROP TYPE organization_kind;
DROP TABLE municipalities;
DROP TABLE counties;
