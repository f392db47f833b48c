-- Row-level security: the second line of defence behind the application's
-- own checks. The application connects as hub_app, a role that owns no
-- table and is no superuser, so every policy applies to it; migrations run
-- as the owner. Each request's transaction sets hub.org_id (and hub.user_id,
-- hub.unit_id, hub.roles) with set_config(…, true).
--
-- The tenancy catalogue (organisations, units, federations, issuers) is
-- readable by every principal: it is the shared directory of who is who.
-- Writes are confined to the principal's own organisation. Tables holding
-- personal data restrict reads as well (see the audit trail).

-- The role is cluster-wide: another database on the server (or a
-- concurrent migration) may have created it already. Two migrations of
-- different databases creating it at the same moment collide on the
-- catalogue's unique index instead (unique_violation): the advisory lock
-- of a migration run is per database and does not keep them apart.
DO $$
BEGIN
    CREATE ROLE hub_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END
$$;

-- The organisation the current transaction acts for, or NULL. An unset
-- setting reads as '' on a connection that used it before, hence nullif.
CREATE FUNCTION hub_current_org() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT nullif(current_setting('hub.org_id', true), '')::uuid $$;

GRANT USAGE ON SCHEMA public TO hub_app;
GRANT EXECUTE ON FUNCTION hub_current_org() TO hub_app;
GRANT SELECT ON counties, municipalities, schema_version TO hub_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON
    organizations, organization_municipalities, units, unit_municipalities,
    federations, federation_memberships, identity_issuers
    TO hub_app;

ALTER TABLE organizations ENABLE ROW LEVEL SECURITY;
CREATE POLICY catalogue_read ON organizations FOR SELECT USING (true);
CREATE POLICY own_insert ON organizations FOR INSERT WITH CHECK (id = (SELECT hub_current_org()));
CREATE POLICY own_update ON organizations FOR UPDATE USING (id = (SELECT hub_current_org())) WITH CHECK (id = (SELECT hub_current_org()));
CREATE POLICY own_delete ON organizations FOR DELETE USING (id = (SELECT hub_current_org()));

ALTER TABLE organization_municipalities ENABLE ROW LEVEL SECURITY;
CREATE POLICY catalogue_read ON organization_municipalities FOR SELECT USING (true);
CREATE POLICY own_insert ON organization_municipalities FOR INSERT WITH CHECK (org_id = (SELECT hub_current_org()));
CREATE POLICY own_update ON organization_municipalities FOR UPDATE USING (org_id = (SELECT hub_current_org())) WITH CHECK (org_id = (SELECT hub_current_org()));
CREATE POLICY own_delete ON organization_municipalities FOR DELETE USING (org_id = (SELECT hub_current_org()));

ALTER TABLE units ENABLE ROW LEVEL SECURITY;
CREATE POLICY catalogue_read ON units FOR SELECT USING (true);
CREATE POLICY own_insert ON units FOR INSERT WITH CHECK (org_id = (SELECT hub_current_org()));
CREATE POLICY own_update ON units FOR UPDATE USING (org_id = (SELECT hub_current_org())) WITH CHECK (org_id = (SELECT hub_current_org()));
CREATE POLICY own_delete ON units FOR DELETE USING (org_id = (SELECT hub_current_org()));

ALTER TABLE unit_municipalities ENABLE ROW LEVEL SECURITY;
CREATE POLICY catalogue_read ON unit_municipalities FOR SELECT USING (true);
CREATE POLICY own_insert ON unit_municipalities FOR INSERT WITH CHECK (org_id = (SELECT hub_current_org()));
CREATE POLICY own_update ON unit_municipalities FOR UPDATE USING (org_id = (SELECT hub_current_org())) WITH CHECK (org_id = (SELECT hub_current_org()));
CREATE POLICY own_delete ON unit_municipalities FOR DELETE USING (org_id = (SELECT hub_current_org()));

ALTER TABLE federations ENABLE ROW LEVEL SECURITY;
CREATE POLICY catalogue_read ON federations FOR SELECT USING (true);
CREATE POLICY own_insert ON federations FOR INSERT WITH CHECK (org_id = (SELECT hub_current_org()));
CREATE POLICY own_update ON federations FOR UPDATE USING (org_id = (SELECT hub_current_org())) WITH CHECK (org_id = (SELECT hub_current_org()));
CREATE POLICY own_delete ON federations FOR DELETE USING (org_id = (SELECT hub_current_org()));

ALTER TABLE federation_memberships ENABLE ROW LEVEL SECURITY;
CREATE POLICY catalogue_read ON federation_memberships FOR SELECT USING (true);
CREATE POLICY own_insert ON federation_memberships FOR INSERT WITH CHECK (org_id = (SELECT hub_current_org()));
CREATE POLICY own_update ON federation_memberships FOR UPDATE USING (org_id = (SELECT hub_current_org())) WITH CHECK (org_id = (SELECT hub_current_org()));
CREATE POLICY own_delete ON federation_memberships FOR DELETE USING (org_id = (SELECT hub_current_org()));

-- Issuer registrations are read before anyone is authenticated (to verify
-- the token), so reading is open; they hold no secrets.
ALTER TABLE identity_issuers ENABLE ROW LEVEL SECURITY;
CREATE POLICY catalogue_read ON identity_issuers FOR SELECT USING (true);
CREATE POLICY own_insert ON identity_issuers FOR INSERT WITH CHECK (org_id = (SELECT hub_current_org()));
CREATE POLICY own_update ON identity_issuers FOR UPDATE USING (org_id = (SELECT hub_current_org())) WITH CHECK (org_id = (SELECT hub_current_org()));
CREATE POLICY own_delete ON identity_issuers FOR DELETE USING (org_id = (SELECT hub_current_org()));

---- create above / drop below ----

DROP POLICY catalogue_read ON identity_issuers;
DROP POLICY own_insert ON identity_issuers;
DROP POLICY own_update ON identity_issuers;
DROP POLICY own_delete ON identity_issuers;
ALTER TABLE identity_issuers DISABLE ROW LEVEL SECURITY;
DROP POLICY catalogue_read ON federation_memberships;
DROP POLICY own_insert ON federation_memberships;
DROP POLICY own_update ON federation_memberships;
DROP POLICY own_delete ON federation_memberships;
ALTER TABLE federation_memberships DISABLE ROW LEVEL SECURITY;
DROP POLICY catalogue_read ON federations;
DROP POLICY own_insert ON federations;
DROP POLICY own_update ON federations;
DROP POLICY own_delete ON federations;
ALTER TABLE federations DISABLE ROW LEVEL SECURITY;
DROP POLICY catalogue_read ON unit_municipalities;
DROP POLICY own_insert ON unit_municipalities;
DROP POLICY own_update ON unit_municipalities;
DROP POLICY own_delete ON unit_municipalities;
ALTER TABLE unit_municipalities DISABLE ROW LEVEL SECURITY;
DROP POLICY catalogue_read ON units;
DROP POLICY own_insert ON units;
DROP POLICY own_update ON units;
DROP POLICY own_delete ON units;
ALTER TABLE units DISABLE ROW LEVEL SECURITY;
DROP POLICY catalogue_read ON organization_municipalities;
DROP POLICY own_insert ON organization_municipalities;
DROP POLICY own_update ON organization_municipalities;
DROP POLICY own_delete ON organization_municipalities;
ALTER TABLE organization_municipalities DISABLE ROW LEVEL SECURITY;
DROP POLICY catalogue_read ON organizations;
DROP POLICY own_insert ON organizations;
DROP POLICY own_update ON organizations;
DROP POLICY own_delete ON organizations;
ALTER TABLE organizations DISABLE ROW LEVEL SECURITY;
REVOKE ALL ON
    organizations, organization_municipalities, units, unit_municipalities,
    federations, federation_memberships, identity_issuers, counties, municipalities, schema_version
    FROM hub_app;
REVOKE ALL ON FUNCTION hub_current_org() FROM hub_app;
REVOKE USAGE ON SCHEMA public FROM hub_app;
DROP FUNCTION hub_current_org();
-- The role hub_app is cluster-wide and may serve other databases: kept.
