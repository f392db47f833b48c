-- SIP and SAMSIP plans (issue 14, docs/sip.md).
--
-- A plan belongs to one case and is the person's: their goals in their own
-- words, what matters to them, the insatser each huvudman gives, who holds
-- the overall responsibility, the next follow-up and who drew it up. Every
-- change is a new version (sip_plan_versions, with its insatser in
-- sip_plan_insatser); nothing is updated but the plan's pointer to its
-- current version, and nothing is deleted. The person's agreement to a
-- version is a row of its own (sip_plan_agreements).
--
-- THE RULE, stated once: hub_sip_shares(individual) are the samtycken in
-- force that share the person with the transaction's principal under the
-- purpose SIP (the sharing rule of migration 021, for the declared purpose,
-- and only when that purpose is SIP). A plan, its versions and its
-- agreements are the case owner's and are read by the case owner, or under
-- hub_sip_shares. An insats is read by the case owner; by its huvudman,
-- and by any other party whose samtycke shares the insats's class, only
-- under hub_sip_shares. The application's queries (internal/sip) ask the
-- same function.

CREATE TYPE sip_kind AS ENUM ('SIP', 'SAMSIP');
CREATE TYPE sip_insats_status AS ENUM ('PLANERAD', 'PAGAR', 'AVSLUTAD', 'AVBRUTEN');

CREATE FUNCTION hub_sip_shares(p_individual uuid) RETURNS TABLE (consent_id uuid)
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT s.consent_id FROM hub_shares_person(p_individual) s
          WHERE hub_current_purpose() = 'SIP' $$;
REVOKE ALL ON FUNCTION hub_sip_shares(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub_sip_shares(uuid) TO hub_app;

CREATE TABLE sip_plans (
    id              uuid PRIMARY KEY,
    case_id         uuid NOT NULL REFERENCES cases (id),
    org_id          uuid NOT NULL REFERENCES organizations (id), -- the case owner
    individual_id   uuid NOT NULL REFERENCES individuals (id),
    kind            sip_kind NOT NULL,
    current_version integer NOT NULL CHECK (current_version >= 1),
    created_at      timestamptz NOT NULL,
    UNIQUE (case_id, kind)
);
CREATE INDEX sip_plans_individual ON sip_plans (individual_id);

CREATE TABLE sip_plan_versions (
    plan_id            uuid NOT NULL REFERENCES sip_plans (id),
    version            integer NOT NULL CHECK (version >= 1),
    org_id             uuid NOT NULL REFERENCES organizations (id),
    individual_id      uuid NOT NULL REFERENCES individuals (id),
    goals              text[] NOT NULL CHECK (cardinality(goals) BETWEEN 1 AND 20),
    what_matters       text NOT NULL CHECK (length(what_matters) BETWEEN 1 AND 4000),
    overall_org_id     uuid NOT NULL REFERENCES organizations (id),
    overall_unit_id    uuid REFERENCES units (id),
    next_follow_up     date NOT NULL,
    participants       text[] NOT NULL CHECK (cardinality(participants) BETWEEN 1 AND 30),
    reason             text NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
    author_org_id      uuid NOT NULL REFERENCES organizations (id),
    author_unit_id     uuid REFERENCES units (id),
    author_user_id     text NOT NULL,
    authored_at        timestamptz NOT NULL,
    PRIMARY KEY (plan_id, version)
);

CREATE TABLE sip_plan_insatser (
    plan_id           uuid NOT NULL,
    version           integer NOT NULL,
    position          integer NOT NULL CHECK (position >= 1),
    org_id            uuid NOT NULL REFERENCES organizations (id),
    individual_id     uuid NOT NULL REFERENCES individuals (id),
    huvudman_org_id   uuid NOT NULL REFERENCES organizations (id),
    huvudman_unit_id  uuid REFERENCES units (id),
    class             information_class NOT NULL,
    what              text NOT NULL CHECK (length(what) BETWEEN 1 AND 2000),
    first_activity    text NOT NULL CHECK (length(first_activity) BETWEEN 1 AND 1000),
    start_on          date NOT NULL,
    status            sip_insats_status NOT NULL,
    PRIMARY KEY (plan_id, version, position),
    FOREIGN KEY (plan_id, version) REFERENCES sip_plan_versions (plan_id, version)
);

CREATE TABLE sip_plan_agreements (
    plan_id        uuid NOT NULL,
    version        integer NOT NULL,
    org_id         uuid NOT NULL REFERENCES organizations (id),
    individual_id  uuid NOT NULL REFERENCES individuals (id),
    how            text NOT NULL CHECK (how IN ('WRITTEN', 'ORAL')),
    note           text CHECK (length(note) BETWEEN 1 AND 1000),
    recorded_by_org_id uuid NOT NULL REFERENCES organizations (id),
    recorded_by    text NOT NULL,
    recorded_at    timestamptz NOT NULL,
    PRIMARY KEY (plan_id, version),
    FOREIGN KEY (plan_id, version) REFERENCES sip_plan_versions (plan_id, version)
);

GRANT SELECT, INSERT ON sip_plans, sip_plan_versions, sip_plan_insatser, sip_plan_agreements TO hub_app;
GRANT UPDATE (current_version) ON sip_plans TO hub_app;

ALTER TABLE sip_plans ENABLE ROW LEVEL SECURITY;
ALTER TABLE sip_plan_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE sip_plan_insatser ENABLE ROW LEVEL SECURITY;
ALTER TABLE sip_plan_agreements ENABLE ROW LEVEL SECURITY;

CREATE POLICY owner_or_sip ON sip_plans FOR SELECT USING (
    org_id = (SELECT hub_current_org()) OR EXISTS (SELECT 1 FROM hub_sip_shares(sip_plans.individual_id)));
-- A plan is written for a case the writer sees, owned by the case's owner.
CREATE POLICY owner_or_sip_insert ON sip_plans FOR INSERT WITH CHECK (
    (org_id = (SELECT hub_current_org()) OR EXISTS (SELECT 1 FROM hub_sip_shares(sip_plans.individual_id)))
    AND created_at = hub_now()
    AND EXISTS (SELECT 1 FROM cases c WHERE c.id = sip_plans.case_id AND c.org_id = sip_plans.org_id
                AND c.individual_id = sip_plans.individual_id));
CREATE POLICY owner_or_sip_update ON sip_plans FOR UPDATE
    USING (org_id = (SELECT hub_current_org()) OR EXISTS (SELECT 1 FROM hub_sip_shares(sip_plans.individual_id)))
    WITH CHECK (org_id = (SELECT hub_current_org()) OR EXISTS (SELECT 1 FROM hub_sip_shares(sip_plans.individual_id)));

CREATE POLICY owner_or_sip ON sip_plan_versions FOR SELECT USING (
    org_id = (SELECT hub_current_org()) OR EXISTS (SELECT 1 FROM hub_sip_shares(sip_plan_versions.individual_id)));
-- A version is written in the writer's own name, now, to a plan it sees.
CREATE POLICY author_insert ON sip_plan_versions FOR INSERT WITH CHECK (
    author_org_id = (SELECT hub_current_org()) AND author_user_id = hub_current_user() AND authored_at = hub_now()
    AND EXISTS (SELECT 1 FROM sip_plans p WHERE p.id = sip_plan_versions.plan_id
                AND p.org_id = sip_plan_versions.org_id AND p.individual_id = sip_plan_versions.individual_id));

CREATE POLICY owner_huvudman_or_shared ON sip_plan_insatser FOR SELECT USING (
    org_id = (SELECT hub_current_org())
    OR (EXISTS (SELECT 1 FROM hub_sip_shares(sip_plan_insatser.individual_id))
        AND (huvudman_org_id = (SELECT hub_current_org())
             OR EXISTS (SELECT 1 FROM hub_shares_class(sip_plan_insatser.individual_id, sip_plan_insatser.class)))));
-- An insats is written into a version of a plan the writer sees, of its
-- huvudman's own class, and only one the writer could then read.
CREATE POLICY writer_insert ON sip_plan_insatser FOR INSERT WITH CHECK (
    class = ANY (hub_org_classes(huvudman_org_id))
    AND EXISTS (SELECT 1 FROM sip_plan_versions v WHERE v.plan_id = sip_plan_insatser.plan_id
                AND v.version = sip_plan_insatser.version AND v.org_id = sip_plan_insatser.org_id
                AND v.individual_id = sip_plan_insatser.individual_id)
    AND (org_id = (SELECT hub_current_org()) OR huvudman_org_id = (SELECT hub_current_org())
         OR EXISTS (SELECT 1 FROM hub_shares_class(sip_plan_insatser.individual_id, sip_plan_insatser.class))));

CREATE POLICY owner_or_sip ON sip_plan_agreements FOR SELECT USING (
    org_id = (SELECT hub_current_org()) OR EXISTS (SELECT 1 FROM hub_sip_shares(sip_plan_agreements.individual_id)));
CREATE POLICY recorder_insert ON sip_plan_agreements FOR INSERT WITH CHECK (
    recorded_by_org_id = (SELECT hub_current_org()) AND recorded_by = hub_current_user() AND recorded_at = hub_now()
    AND EXISTS (SELECT 1 FROM sip_plan_versions v WHERE v.plan_id = sip_plan_agreements.plan_id
                AND v.version = sip_plan_agreements.version AND v.org_id = sip_plan_agreements.org_id
                AND v.individual_id = sip_plan_agreements.individual_id));

-- A revision by a party that does not see every insats of the plan keeps
-- those it cannot see: they are copied, unchanged, from the version it
-- revised into the new one, by the database, without the caller ever
-- reading them. SECURITY DEFINER so that it can read them; it copies only
-- into a version the caller itself has just written (author and time), of
-- a plan the caller sees, and returns how many it copied, nothing else.
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

-- Whether a samtycke in force for the purpose SIP names a party (an
-- organisation, or its unit) for the person: every party a plan names must
-- be. SECURITY DEFINER because a party sees only the grants that name
-- itself; it answers only a caller who sees the person (its owner, or
-- under hub_sip_shares) and declared SIP, and only with a samtycke's id.
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

---- create above / drop below ----
DROP FUNCTION hub_sip_samtycke(uuid, uuid, uuid);DROP FUNCTION hub_sip_carry_insatser(uuid, integer, integer, integer);
DROP TABLE sip_plan_agreements;
DROP TABLE sip_plan_insatser;
DROP TABLE sip_plan_versions;
DROP TABLE sip_plans;
DROP FUNCTION hub_sip_shares(uuid);
DROP TYPE sip_insats_status;
DROP TYPE sip_kind;
