-- Each database rule stated once (issue 12).
--
-- THE SHARING RULE. Which samtycken are in force for the transaction's
-- principal stays the view consent_grants_in_force (migration 011). What
-- they share is now said once, by two functions, and everything that
-- filters by the rule calls them: the row-security policies below and the
-- predicates internal/consent renders into the application's queries.
--
--   hub_shares_person(individual)        the samtycken in force that share
--                                        the person and the case core (only
--                                        a secrecy waiver, OSL, does)
--   hub_shares_class(individual, class)  those that share one information
--                                        class of the person (OSL, or PDL
--                                        for VARD_* between care providers)
--
-- They return the samtycken (ids), not a boolean: "is it shared" is
-- EXISTS (SELECT 1 FROM hub_shares_person(x)), and the samtycke the audit
-- trail names is the lowest of them. A LANGUAGE sql set-returning function
-- whose body is one SELECT (STABLE, not STRICT, not SECURITY DEFINER) is
-- inlined into the calling query, so the rule costs exactly what the
-- hand-written EXISTS cost. A boolean function around EXISTS would not be:
-- Postgres inlines a scalar function only when its body is an expression
-- without a subquery, and such a function ran as a call per row, about
-- 20 µs each against 2 µs for the inlined probe, several per case of a page.
--
-- The planner fence of migration 013 stays, in one place: OFFSET 0 inside
-- the functions keeps each use a per-row lookup on
-- consent_grants_in_force_grantee (or _individual). The EXISTS around a
-- call is correlated only through the function's argument, so Postgres can
-- neither pull it up into a join nor hash every grant in force for the
-- organisation (176,000 for FK at national scale) before the first row of
-- a page; OFFSET 0 also keeps a LATERAL use from being flattened into one.
--
-- Who takes part in a case is KOMMUN_PLANERING: its policy asks
-- hub_shares_class for that class, as internal/cases does. The policy of
-- 013 also asked for shares_person; a grant of a KOMMUN_* class is always
-- OSL (consent_grants' CHECK: PDL only VARD_*, UPPFOLJNING none), so the
-- rows it lets through are the same.
--
-- THE TENANCY CATALOGUE. The 28 policies of migration 003 are four per
-- table: everyone reads, the own organisation writes. hub_tenant_policies
-- states them once and re-creates them, identical to 003's
-- (internal/platform/migrate tests compare pg_policies before and after).

CREATE FUNCTION hub_shares_person(p_individual uuid) RETURNS TABLE (consent_id uuid)
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT g.consent_id FROM consent_grants_in_force g
          WHERE g.individual_id = p_individual AND g.shares_person OFFSET 0 $$;

CREATE FUNCTION hub_shares_class(p_individual uuid, p_class information_class) RETURNS TABLE (consent_id uuid)
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT g.consent_id FROM consent_grants_in_force g
          WHERE g.individual_id = p_individual AND p_class = ANY (g.classes) OFFSET 0 $$;

-- The application role calls them (in its queries and through the
-- policies); without the right Postgres would neither inline nor run them.
REVOKE ALL ON FUNCTION hub_shares_person(uuid), hub_shares_class(uuid, information_class) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub_shares_person(uuid), hub_shares_class(uuid, information_class) TO hub_app;

DROP POLICY owner_or_consented ON individuals;
CREATE POLICY owner_or_consented ON individuals FOR SELECT USING (
    org_id = (SELECT hub_current_org())
    OR EXISTS (SELECT 1 FROM hub_shares_person(individuals.id)));

DROP POLICY owner_or_consented ON cases;
CREATE POLICY owner_or_consented ON cases FOR SELECT USING (
    org_id = (SELECT hub_current_org())
    OR EXISTS (SELECT 1 FROM hub_shares_person(cases.individual_id)));

DROP POLICY owner_or_consented ON case_participants;
CREATE POLICY owner_or_consented ON case_participants FOR SELECT USING (
    org_id = (SELECT hub_current_org())
    OR EXISTS (SELECT 1 FROM hub_shares_class(case_participants.individual_id, 'KOMMUN_PLANERING')));

DROP POLICY writer_or_consented ON case_items;
CREATE POLICY writer_or_consented ON case_items FOR SELECT USING (
    org_id = (SELECT hub_current_org())
    OR EXISTS (SELECT 1 FROM hub_shares_class(case_items.individual_id, case_items.class)));

-- A table of the tenancy catalogue (organisations, units, federations,
-- issuers: the shared directory of who is who): row security on, every
-- principal reads it, and only the organisation in org_column may insert,
-- update (to rows of its own) or delete. Replaces those four policies if
-- the table has them.
CREATE PROCEDURE hub_tenant_policies(p_table regclass, p_org_column name)
    LANGUAGE plpgsql
    AS $$
DECLARE
    own constant text := format('%I = (SELECT hub_current_org())', p_org_column);
BEGIN
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', p_table);
    EXECUTE format('DROP POLICY IF EXISTS catalogue_read ON %s', p_table);
    EXECUTE format('DROP POLICY IF EXISTS own_insert ON %s', p_table);
    EXECUTE format('DROP POLICY IF EXISTS own_update ON %s', p_table);
    EXECUTE format('DROP POLICY IF EXISTS own_delete ON %s', p_table);
    EXECUTE format('CREATE POLICY catalogue_read ON %s FOR SELECT USING (true)', p_table);
    EXECUTE format('CREATE POLICY own_insert ON %s FOR INSERT WITH CHECK (%s)', p_table, own);
    EXECUTE format('CREATE POLICY own_update ON %s FOR UPDATE USING (%s) WITH CHECK (%s)', p_table, own, own);
    EXECUTE format('CREATE POLICY own_delete ON %s FOR DELETE USING (%s)', p_table, own);
END
$$;
REVOKE ALL ON PROCEDURE hub_tenant_policies(regclass, name) FROM PUBLIC;

CALL hub_tenant_policies('organizations', 'id');
CALL hub_tenant_policies('organization_municipalities', 'org_id');
CALL hub_tenant_policies('units', 'org_id');
CALL hub_tenant_policies('unit_municipalities', 'org_id');
CALL hub_tenant_policies('federations', 'org_id');
CALL hub_tenant_policies('federation_memberships', 'org_id');
CALL hub_tenant_policies('identity_issuers', 'org_id');

---- create above / drop below ----

-- The tenancy policies the procedure re-created are those of migration
-- 003, expression for expression: they stay.
DROP PROCEDURE hub_tenant_policies(regclass, name);

-- The sharing rule's policies of migration 013, exactly.
DROP POLICY writer_or_consented ON case_items;
CREATE POLICY writer_or_consented ON case_items FOR SELECT USING (
    org_id = (SELECT hub_current_org())
    OR EXISTS (SELECT 1 FROM consent_grants_in_force g
               WHERE g.individual_id = case_items.individual_id AND case_items.class = ANY (g.classes) OFFSET 0));

DROP POLICY owner_or_consented ON case_participants;
CREATE POLICY owner_or_consented ON case_participants FOR SELECT USING (
    org_id = (SELECT hub_current_org())
    OR EXISTS (SELECT 1 FROM consent_grants_in_force g WHERE g.individual_id = case_participants.individual_id
               AND g.shares_person AND 'KOMMUN_PLANERING' = ANY (g.classes) OFFSET 0));

DROP POLICY owner_or_consented ON cases;
CREATE POLICY owner_or_consented ON cases FOR SELECT USING (
    org_id = (SELECT hub_current_org())
    OR EXISTS (SELECT 1 FROM consent_grants_in_force g WHERE g.individual_id = cases.individual_id AND g.shares_person OFFSET 0));

DROP POLICY owner_or_consented ON individuals;
CREATE POLICY owner_or_consented ON individuals FOR SELECT USING (
    org_id = (SELECT hub_current_org())
    OR EXISTS (SELECT 1 FROM consent_grants_in_force g WHERE g.individual_id = individuals.id AND g.shares_person OFFSET 0));

DROP FUNCTION hub_shares_class(uuid, information_class);
DROP FUNCTION hub_shares_person(uuid);
