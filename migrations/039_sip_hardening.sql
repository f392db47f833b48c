-- SIP plans hardened after the security review of migration 034
-- (docs/sip.md, "Who sees what" and "Row-level security").
--
-- WHOM THE SAMTYCKE NAMES. hub_sip_samtycke (034) told any party that sees
-- the person under SIP whether the samtycke names any other organisation
-- or unit: an oracle of the person's care contacts (psychiatry, addiction
-- care) that row security hides from that party. Now it answers the case
-- owner about anyone, and a party that does not own the case only about
-- its own organisation and the parties the plan's current version shows
-- it (its overall responsibility, the huvudmän of the insatser it sees);
-- anything else is refused, as hub_task_samtycke is (migration 029). Only
-- the case owner brings a new party into a plan.
--
-- WHOSE INSATS. An insats is its huvudman's own: the huvudman's unit's
-- when the insats names a unit, the whole organisation's when it names
-- none. Another unit of the same organisation (the vårdcentral beside the
-- region's psychiatry) sees it only when a samtycke shares its class.
-- hub_sip_party_sees_insats states it once.
--
-- HISTORY. Versions are immutable (034 promised it, row security did not
-- hold it): the plan's pointer moves one version on at a time, to a
-- version that exists when the transaction commits (a deferred foreign
-- key); a version is written only as the plan's next (1 only for a new
-- plan), in the writer's name, now, by the case owner under its samtycke
-- for SIP or by a party a samtycke for SIP names; an insats only into a
-- version the writer itself has just written; the insatser a reviser
-- cannot see are carried into its version once, and the carrying tells
-- it nothing about them. A plan holds at most 100 versions.
--
-- THE OWNER'S SAMTYCKE. hub_sip_owner_samtycke: the case owner's
-- samtycken for the person in force for SIP, a secrecy waiver (OSL) only
-- (a PDL samtycke shares no plan). The owner writes a plan, a version and
-- an agreement only under one (internal/app/plans asks the same).
--
-- DATES. The next follow-up is from today to 366 days ahead; an insats
-- starts at most 3,653 days back and 731 days ahead (internal/sip,
-- Content.Problems, says the same).

-- The insatser of another's plan that a party sees besides the case
-- owner's view: none unless a samtycke for SIP shares the person with it;
-- then its own (its unit's, or its organisation's when the insats names no
-- unit) and those whose class a samtycke shares with it. A set-returning
-- SQL function of one SELECT, so that it is inlined where it is used
-- (migration 021).
CREATE FUNCTION hub_sip_party_sees_insats(p_individual uuid, p_huvudman_org uuid, p_huvudman_unit uuid,
                                          p_class information_class) RETURNS TABLE (shown boolean)
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT true WHERE EXISTS (SELECT 1 FROM hub_sip_shares(p_individual))
                        AND ((p_huvudman_org = hub_current_org()
                              AND (p_huvudman_unit IS NULL OR p_huvudman_unit = hub_current_unit()))
                             OR EXISTS (SELECT 1 FROM hub_shares_class(p_individual, p_class))) $$;
REVOKE ALL ON FUNCTION hub_sip_party_sees_insats(uuid, uuid, uuid, information_class) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub_sip_party_sees_insats(uuid, uuid, uuid, information_class) TO hub_app;

-- The samtycken of the caller's organisation for the person, in force
-- today for the purpose SIP, that are secrecy waivers (OSL).
CREATE FUNCTION hub_sip_owner_samtycke(p_individual uuid) RETURNS TABLE (consent_id uuid)
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT c.id FROM consents c
          WHERE c.individual_id = p_individual AND c.org_id = hub_current_org() AND c.revoked_at IS NULL
            AND c.kind = 'OSL_SEKRETESSBRYTANDE' AND 'SIP' = ANY (c.purposes)
            AND c.valid_from <= hub_today() AND hub_today() <= c.valid_until $$;
REVOKE ALL ON FUNCTION hub_sip_owner_samtycke(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub_sip_owner_samtycke(uuid) TO hub_app;

-- HISTORY.
ALTER TABLE sip_plans ADD CONSTRAINT sip_plans_at_most_100_versions CHECK (current_version <= 100);
ALTER TABLE sip_plan_versions ADD CONSTRAINT sip_plan_versions_at_most_100 CHECK (version <= 100);
ALTER TABLE sip_plans ADD CONSTRAINT sip_plans_current_version_written FOREIGN KEY (id, current_version)
    REFERENCES sip_plan_versions (plan_id, version) DEFERRABLE INITIALLY DEFERRED;

-- The plan's pointer moves one version on, nothing else changes.
CREATE FUNCTION hub_sip_plan_advance() RETURNS trigger
    LANGUAGE plpgsql SET search_path = public, pg_temp
    AS $$
BEGIN
    IF NEW.current_version IS DISTINCT FROM OLD.current_version + 1
       OR (NEW.id, NEW.case_id, NEW.org_id, NEW.individual_id, NEW.kind, NEW.created_at)
          IS DISTINCT FROM (OLD.id, OLD.case_id, OLD.org_id, OLD.individual_id, OLD.kind, OLD.created_at) THEN
        RAISE EXCEPTION 'a plan moves one version on at a time (from %, not to %)', OLD.current_version, NEW.current_version
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER sip_plan_advance BEFORE UPDATE ON sip_plans FOR EACH ROW EXECUTE FUNCTION hub_sip_plan_advance();

DROP POLICY owner_or_sip_insert ON sip_plans;
CREATE POLICY owner_or_sip_insert ON sip_plans FOR INSERT WITH CHECK (
    ((org_id = (SELECT hub_current_org()) AND EXISTS (SELECT 1 FROM hub_sip_owner_samtycke(sip_plans.individual_id)))
     OR EXISTS (SELECT 1 FROM hub_sip_shares(sip_plans.individual_id)))
    AND current_version = 1
    AND created_at = hub_now()
    AND EXISTS (SELECT 1 FROM cases c WHERE c.id = sip_plans.case_id AND c.org_id = sip_plans.org_id
                AND c.individual_id = sip_plans.individual_id));

-- A version is the plan's next: the application advances the plan, then
-- writes the version it now points at (a new plan points at 1); any
-- other number is either refused here or already written.
DROP POLICY author_insert ON sip_plan_versions;
CREATE POLICY author_insert ON sip_plan_versions FOR INSERT WITH CHECK (
    author_org_id = (SELECT hub_current_org()) AND author_user_id = hub_current_user() AND authored_at = hub_now()
    AND next_follow_up BETWEEN hub_today() AND hub_today() + 366
    AND ((org_id = (SELECT hub_current_org()) AND EXISTS (SELECT 1 FROM hub_sip_owner_samtycke(sip_plan_versions.individual_id)))
         OR EXISTS (SELECT 1 FROM hub_sip_shares(sip_plan_versions.individual_id)))
    AND EXISTS (SELECT 1 FROM sip_plans p WHERE p.id = sip_plan_versions.plan_id
                AND p.org_id = sip_plan_versions.org_id AND p.individual_id = sip_plan_versions.individual_id
                AND p.current_version = sip_plan_versions.version));

DROP POLICY owner_huvudman_or_shared ON sip_plan_insatser;
CREATE POLICY owner_huvudman_or_shared ON sip_plan_insatser FOR SELECT USING (
    org_id = (SELECT hub_current_org())
    OR EXISTS (SELECT 1 FROM hub_sip_party_sees_insats(sip_plan_insatser.individual_id, sip_plan_insatser.huvudman_org_id,
                                                       sip_plan_insatser.huvudman_unit_id, sip_plan_insatser.class)));
-- An insats is written into a version the writer has just written (its
-- name, now), of its huvudman's own class, starting within the bounds,
-- and only one the writer could then read.
DROP POLICY writer_insert ON sip_plan_insatser;
CREATE POLICY writer_insert ON sip_plan_insatser FOR INSERT WITH CHECK (
    class = ANY (hub_org_classes(huvudman_org_id))
    AND start_on BETWEEN hub_today() - 3653 AND hub_today() + 731
    AND EXISTS (SELECT 1 FROM sip_plan_versions v WHERE v.plan_id = sip_plan_insatser.plan_id
                AND v.version = sip_plan_insatser.version AND v.org_id = sip_plan_insatser.org_id
                AND v.individual_id = sip_plan_insatser.individual_id
                AND v.author_org_id = (SELECT hub_current_org()) AND v.author_user_id = hub_current_user()
                AND v.authored_at = hub_now())
    AND (org_id = (SELECT hub_current_org())
         OR EXISTS (SELECT 1 FROM hub_sip_party_sees_insats(sip_plan_insatser.individual_id, sip_plan_insatser.huvudman_org_id,
                                                            sip_plan_insatser.huvudman_unit_id, sip_plan_insatser.class))));

DROP POLICY recorder_insert ON sip_plan_agreements;
CREATE POLICY recorder_insert ON sip_plan_agreements FOR INSERT WITH CHECK (
    recorded_by_org_id = (SELECT hub_current_org()) AND recorded_by = hub_current_user() AND recorded_at = hub_now()
    AND ((org_id = (SELECT hub_current_org()) AND EXISTS (SELECT 1 FROM hub_sip_owner_samtycke(sip_plan_agreements.individual_id)))
         OR EXISTS (SELECT 1 FROM hub_sip_shares(sip_plan_agreements.individual_id)))
    AND EXISTS (SELECT 1 FROM sip_plan_versions v WHERE v.plan_id = sip_plan_agreements.plan_id
                AND v.version = sip_plan_agreements.version AND v.org_id = sip_plan_agreements.org_id
                AND v.individual_id = sip_plan_agreements.individual_id));

-- A revision by a party that does not see every insats of the plan keeps
-- those it cannot see: they are copied, unchanged, from the version it
-- revised into the new one, without the caller ever reading them.
-- SECURITY DEFINER so that it can read them. It copies only into a version
-- the caller itself has just written (author and time) as the next of the
-- one revised, of a plan the caller sees, after the caller's own insatser
-- (p_first_position is the version's next position), and only once: a
-- version that already holds an insats the caller cannot see is refused.
-- It returns nothing: the caller learns neither how many it copied nor
-- whether there were any.
DROP FUNCTION hub_sip_carry_insatser(uuid, integer, integer, integer);
CREATE FUNCTION hub_sip_carry_insatser(p_plan uuid, p_from integer, p_to integer, p_first_position integer)
    RETURNS void
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM sip_plan_versions v
        WHERE v.plan_id = p_plan AND v.version = p_to AND p_from = p_to - 1
          AND v.author_org_id = hub_current_org() AND v.author_user_id = hub_current_user()
          AND v.authored_at = hub_now()
          AND (v.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_sip_shares(v.individual_id)))) THEN
        RAISE EXCEPTION 'insatser are carried only into the version the caller has just written'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF p_first_position IS DISTINCT FROM
       (SELECT coalesce(max(i.position), 0) + 1 FROM sip_plan_insatser i WHERE i.plan_id = p_plan AND i.version = p_to)
       OR EXISTS (SELECT 1 FROM sip_plan_insatser i WHERE i.plan_id = p_plan AND i.version = p_to
                  AND i.org_id IS DISTINCT FROM hub_current_org()
                  AND NOT EXISTS (SELECT 1 FROM hub_sip_party_sees_insats(i.individual_id, i.huvudman_org_id,
                                                                          i.huvudman_unit_id, i.class))) THEN
        RAISE EXCEPTION 'insatser are carried once, after the caller''s own'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO sip_plan_insatser (plan_id, version, position, org_id, individual_id, huvudman_org_id,
                                   huvudman_unit_id, class, what, first_activity, start_on, status)
    SELECT i.plan_id, p_to, p_first_position - 1 + row_number() OVER (ORDER BY i.position), i.org_id, i.individual_id,
           i.huvudman_org_id, i.huvudman_unit_id, i.class, i.what, i.first_activity, i.start_on, i.status
    FROM sip_plan_insatser i
    WHERE i.plan_id = p_plan AND i.version = p_from
      AND i.org_id IS DISTINCT FROM hub_current_org()
      AND NOT EXISTS (SELECT 1 FROM hub_sip_party_sees_insats(i.individual_id, i.huvudman_org_id, i.huvudman_unit_id, i.class));
END $$;
REVOKE ALL ON FUNCTION hub_sip_carry_insatser(uuid, integer, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub_sip_carry_insatser(uuid, integer, integer, integer) TO hub_app;

-- Whether a samtycke in force for the purpose SIP names a party (an
-- organisation, or its unit) for the person: every party a plan names must
-- be. SECURITY DEFINER because a party sees only the grants that name
-- itself. Why it is safe:
--   * it answers only a caller who declared SIP and sees the person (its
--     owner, or under hub_sip_shares); anyone else gets NULL;
--   * a caller that does not own the person asks only about its own
--     organisation (whose grants row security shows it anyway) or a party
--     the current version of its plan p_plan shows it: the overall
--     responsibility, or the huvudman of an insats it sees; anything else
--     is refused (insufficient_privilege);
--   * it returns only a samtycke's id, never its contents or grantees;
--   * its search_path is fixed, and only the application role may call it.
DROP FUNCTION hub_sip_samtycke(uuid, uuid, uuid);
CREATE FUNCTION hub_sip_samtycke(p_individual uuid, p_org uuid, p_unit uuid, p_plan uuid) RETURNS uuid
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
BEGIN
    IF hub_current_purpose() IS DISTINCT FROM 'SIP' THEN
        RETURN NULL;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM individuals i WHERE i.id = p_individual AND i.org_id = hub_current_org()) THEN
        IF NOT EXISTS (SELECT 1 FROM hub_sip_shares(p_individual)) THEN
            RETURN NULL;
        END IF;
        IF p_org IS DISTINCT FROM hub_current_org() AND NOT EXISTS (
            SELECT 1 FROM sip_plans p
            JOIN sip_plan_versions v ON v.plan_id = p.id AND v.version = p.current_version
            WHERE p.id = p_plan AND p.individual_id = p_individual
              AND ((v.overall_org_id = p_org AND v.overall_unit_id IS NOT DISTINCT FROM p_unit)
                   OR EXISTS (SELECT 1 FROM sip_plan_insatser i
                              WHERE i.plan_id = v.plan_id AND i.version = v.version
                                AND i.huvudman_org_id = p_org AND i.huvudman_unit_id IS NOT DISTINCT FROM p_unit
                                AND EXISTS (SELECT 1 FROM hub_sip_party_sees_insats(i.individual_id, i.huvudman_org_id,
                                                                                    i.huvudman_unit_id, i.class))))) THEN
            RAISE EXCEPTION 'a party that does not own the case asks only about its own organisation or a party its plan shows it'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    RETURN (
        SELECT g.consent_id FROM consent_grants g
        WHERE g.individual_id = p_individual
          AND g.revoked_at IS NULL
          AND g.grantee_org_id = p_org
          AND (g.grantee_unit_id IS NULL OR g.grantee_unit_id = p_unit)
          AND g.kind = 'OSL_SEKRETESSBRYTANDE'
          AND 'SIP' = ANY (g.purposes)
          AND g.valid_from <= hub_today() AND hub_today() <= g.valid_until
        ORDER BY g.consent_id
        LIMIT 1);
END $$;
REVOKE ALL ON FUNCTION hub_sip_samtycke(uuid, uuid, uuid, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub_sip_samtycke(uuid, uuid, uuid, uuid) TO hub_app;

---- create above / drop below ----

DROP FUNCTION hub_sip_samtycke(uuid, uuid, uuid, uuid);
CREATE FUNCTION hub_sip_samtycke(p_individual uuid, p_org uuid, p_unit uuid) RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
    SELECT g.consent_id FROM consent_grants g
    WHERE g.individual_id = p_individual
      AND hub_current_purpose() = 'SIP'
      AND (EXISTS (SELECT 1 FROM individuals i WHERE i.id = p_individual AND i.org_id = hub_current_org())
           OR EXISTS (SELECT 1 FROM hub_sip_shares(p_individual)))
      AND g.revoked_at IS NULL
      AND g.grantee_org_id = p_org
      AND (g.grantee_unit_id IS NULL OR g.grantee_unit_id = p_unit)
      AND g.kind = 'OSL_SEKRETESSBRYTANDE'
      AND 'SIP' = ANY (g.purposes)
      AND g.valid_from <= hub_today() AND hub_today() <= g.valid_until
    ORDER BY g.consent_id
    LIMIT 1 $$;
REVOKE ALL ON FUNCTION hub_sip_samtycke(uuid, uuid, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub_sip_samtycke(uuid, uuid, uuid) TO hub_app;

DROP FUNCTION hub_sip_carry_insatser(uuid, integer, integer, integer);
CREATE FUNCTION hub_sip_carry_insatser(p_plan uuid, p_from integer, p_to integer, p_first_position integer)
    RETURNS integer
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
    WITH target AS (
        SELECT v.plan_id FROM sip_plan_versions v
        WHERE v.plan_id = p_plan AND v.version = p_to AND p_from = p_to - 1
          AND v.author_org_id = hub_current_org() AND v.author_user_id = hub_current_user()
          AND v.authored_at = hub_now()
          AND (v.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_sip_shares(v.individual_id)))),
    unseen AS (
        SELECT i.* FROM sip_plan_insatser i, target
        WHERE i.plan_id = target.plan_id AND i.version = p_from
          AND NOT (i.org_id = hub_current_org()
                   OR (EXISTS (SELECT 1 FROM hub_sip_shares(i.individual_id))
                       AND (i.huvudman_org_id = hub_current_org()
                            OR EXISTS (SELECT 1 FROM hub_shares_class(i.individual_id, i.class)))))),
    copied AS (
        INSERT INTO sip_plan_insatser (plan_id, version, position, org_id, individual_id, huvudman_org_id,
                                       huvudman_unit_id, class, what, first_activity, start_on, status)
        SELECT plan_id, p_to, p_first_position - 1 + row_number() OVER (ORDER BY position), org_id, individual_id,
               huvudman_org_id, huvudman_unit_id, class, what, first_activity, start_on, status
        FROM unseen
        RETURNING 1)
    SELECT count(*)::integer FROM copied $$;
REVOKE ALL ON FUNCTION hub_sip_carry_insatser(uuid, integer, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub_sip_carry_insatser(uuid, integer, integer, integer) TO hub_app;

DROP POLICY recorder_insert ON sip_plan_agreements;
CREATE POLICY recorder_insert ON sip_plan_agreements FOR INSERT WITH CHECK (
    recorded_by_org_id = (SELECT hub_current_org()) AND recorded_by = hub_current_user() AND recorded_at = hub_now()
    AND EXISTS (SELECT 1 FROM sip_plan_versions v WHERE v.plan_id = sip_plan_agreements.plan_id
                AND v.version = sip_plan_agreements.version AND v.org_id = sip_plan_agreements.org_id
                AND v.individual_id = sip_plan_agreements.individual_id));

DROP POLICY writer_insert ON sip_plan_insatser;
CREATE POLICY writer_insert ON sip_plan_insatser FOR INSERT WITH CHECK (
    class = ANY (hub_org_classes(huvudman_org_id))
    AND EXISTS (SELECT 1 FROM sip_plan_versions v WHERE v.plan_id = sip_plan_insatser.plan_id
                AND v.version = sip_plan_insatser.version AND v.org_id = sip_plan_insatser.org_id
                AND v.individual_id = sip_plan_insatser.individual_id)
    AND (org_id = (SELECT hub_current_org()) OR huvudman_org_id = (SELECT hub_current_org())
         OR EXISTS (SELECT 1 FROM hub_shares_class(sip_plan_insatser.individual_id, sip_plan_insatser.class))));
DROP POLICY owner_huvudman_or_shared ON sip_plan_insatser;
CREATE POLICY owner_huvudman_or_shared ON sip_plan_insatser FOR SELECT USING (
    org_id = (SELECT hub_current_org())
    OR (EXISTS (SELECT 1 FROM hub_sip_shares(sip_plan_insatser.individual_id))
        AND (huvudman_org_id = (SELECT hub_current_org())
             OR EXISTS (SELECT 1 FROM hub_shares_class(sip_plan_insatser.individual_id, sip_plan_insatser.class)))));

DROP POLICY author_insert ON sip_plan_versions;
CREATE POLICY author_insert ON sip_plan_versions FOR INSERT WITH CHECK (
    author_org_id = (SELECT hub_current_org()) AND author_user_id = hub_current_user() AND authored_at = hub_now()
    AND EXISTS (SELECT 1 FROM sip_plans p WHERE p.id = sip_plan_versions.plan_id
                AND p.org_id = sip_plan_versions.org_id AND p.individual_id = sip_plan_versions.individual_id));

DROP POLICY owner_or_sip_insert ON sip_plans;
CREATE POLICY owner_or_sip_insert ON sip_plans FOR INSERT WITH CHECK (
    (org_id = (SELECT hub_current_org()) OR EXISTS (SELECT 1 FROM hub_sip_shares(sip_plans.individual_id)))
    AND created_at = hub_now()
    AND EXISTS (SELECT 1 FROM cases c WHERE c.id = sip_plans.case_id AND c.org_id = sip_plans.org_id
                AND c.individual_id = sip_plans.individual_id));

DROP TRIGGER sip_plan_advance ON sip_plans;
DROP FUNCTION hub_sip_plan_advance();
ALTER TABLE sip_plans DROP CONSTRAINT sip_plans_current_version_written;
ALTER TABLE sip_plan_versions DROP CONSTRAINT sip_plan_versions_at_most_100;
ALTER TABLE sip_plans DROP CONSTRAINT sip_plans_at_most_100_versions;
DROP FUNCTION hub_sip_owner_samtycke(uuid);
DROP FUNCTION hub_sip_party_sees_insats(uuid, uuid, uuid, information_class);
