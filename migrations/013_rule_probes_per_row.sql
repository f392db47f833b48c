-- The sharing rule's row-security policies probe the grants per row.
-- The planner cannot estimate the view's current_setting() filters; it
-- took a grantee with 176,000 grants in force for one with a handful and
-- hashed them all before the first row of every page (a page of 50 cases
-- for FK at national scale: 1.9 s). OFFSET 0 keeps each EXISTS a per-row
-- lookup on consent_grants_in_force_grantee (the page: about 8 ms). The
-- application's own predicate does the same (internal/consent/rule.go).
--
-- The loggutdrag keeps no foreign keys: each of its rows took four
-- FOR KEY SHARE locks (organisations every request of a party locks) and
-- 80 % of the time of a page's audit; the rows are append-only, written in
-- the transaction that read what they name, and the owner is checked by
-- the insert policy.

ALTER POLICY owner_or_consented ON individuals USING (
    org_id = (SELECT hub_current_org())
    OR EXISTS (SELECT 1 FROM consent_grants_in_force g WHERE g.individual_id = individuals.id AND g.shares_person OFFSET 0));
ALTER POLICY owner_or_consented ON cases USING (
    org_id = (SELECT hub_current_org())
    OR EXISTS (SELECT 1 FROM consent_grants_in_force g WHERE g.individual_id = cases.individual_id AND g.shares_person OFFSET 0));
ALTER POLICY owner_or_consented ON case_participants USING (
    org_id = (SELECT hub_current_org())
    OR EXISTS (SELECT 1 FROM consent_grants_in_force g WHERE g.individual_id = case_participants.individual_id
               AND g.shares_person AND 'KOMMUN_PLANERING' = ANY (g.classes) OFFSET 0));
ALTER POLICY writer_or_consented ON case_items USING (
    org_id = (SELECT hub_current_org())
    OR EXISTS (SELECT 1 FROM consent_grants_in_force g
               WHERE g.individual_id = case_items.individual_id AND case_items.class = ANY (g.classes) OFFSET 0));

ALTER TABLE personal_data_access
    DROP CONSTRAINT personal_data_access_owner_org_id_fkey,
    DROP CONSTRAINT personal_data_access_individual_id_fkey,
    DROP CONSTRAINT personal_data_access_actor_org_id_fkey,
    DROP CONSTRAINT personal_data_access_consent_id_fkey;

---- create above / drop below ----

ALTER TABLE personal_data_access
    ADD CONSTRAINT personal_data_access_owner_org_id_fkey FOREIGN KEY (owner_org_id) REFERENCES organizations (id),
    ADD CONSTRAINT personal_data_access_individual_id_fkey FOREIGN KEY (individual_id) REFERENCES individuals (id),
    ADD CONSTRAINT personal_data_access_actor_org_id_fkey FOREIGN KEY (actor_org_id) REFERENCES organizations (id),
    ADD CONSTRAINT personal_data_access_consent_id_fkey FOREIGN KEY (consent_id) REFERENCES consents (id);

ALTER POLICY owner_or_consented ON individuals USING (
    org_id = (SELECT hub_current_org())
    OR EXISTS (SELECT 1 FROM consent_grants_in_force g WHERE g.individual_id = individuals.id AND g.shares_person));
ALTER POLICY owner_or_consented ON cases USING (
    org_id = (SELECT hub_current_org())
    OR EXISTS (SELECT 1 FROM consent_grants_in_force g WHERE g.individual_id = cases.individual_id AND g.shares_person));
ALTER POLICY owner_or_consented ON case_participants USING (
    org_id = (SELECT hub_current_org())
    OR EXISTS (SELECT 1 FROM consent_grants_in_force g WHERE g.individual_id = case_participants.individual_id
               AND g.shares_person AND 'KOMMUN_PLANERING' = ANY (g.classes)));
ALTER POLICY writer_or_consented ON case_items USING (
    org_id = (SELECT hub_current_org())
    OR EXISTS (SELECT 1 FROM consent_grants_in_force g
               WHERE g.individual_id = case_items.individual_id AND case_items.class = ANY (g.classes)));
