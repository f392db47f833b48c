-- A loggutdrag row goes only into the log of the person's own
-- municipality. The insert policy checked that row by row through a
-- function (hub_individual_belongs_to), which Postgres cannot inline: a
-- page of 50 cases writes about 100 rows, and the check took 40 % of the
-- insert. A statement trigger now checks all rows of an insert at once,
-- with one join against individuals, and refuses the whole statement if
-- any row names the wrong log. The policy keeps the acting organisation.

ALTER POLICY actor_insert ON personal_data_access WITH CHECK (actor_org_id = (SELECT hub_current_org()));

CREATE FUNCTION personal_data_access_check_owners() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM inserted n
               WHERE NOT EXISTS (SELECT 1 FROM individuals i WHERE i.id = n.individual_id AND i.org_id = n.owner_org_id)) THEN
        RAISE EXCEPTION 'a loggutdrag row must go into the log of the person''s own municipality'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION personal_data_access_check_owners() FROM PUBLIC;

CREATE TRIGGER personal_data_access_owners
    AFTER INSERT ON personal_data_access
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION personal_data_access_check_owners();

---- create above / drop below ----

DROP TRIGGER personal_data_access_owners ON personal_data_access;
DROP FUNCTION personal_data_access_check_owners();
ALTER POLICY actor_insert ON personal_data_access WITH CHECK (
    actor_org_id = (SELECT hub_current_org())
    AND hub_individual_belongs_to(individual_id, owner_org_id));
