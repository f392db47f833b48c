-- The directory's version: one counter that every change to what a waysIn
-- answer is made of moves, in the changing transaction (statement
-- triggers). A replica may keep waysIn answers in memory and serve one
-- again only while the version it was read at is still the current one
-- (internal/directory/ways_cache.go): a change committed before a request
-- starts is never hidden from it, on any replica, without waiting for a
-- notification.
--
-- What an answer is made of: the entries and their ranking
-- (directory_entries, directory_ways), who may see FEDERATION entries
-- (federations, federation_memberships), the organisations' kinds and the
-- municipalities. Channels are not part of it: they are read per request.

CREATE TABLE directory_version (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    version   bigint  NOT NULL
);
INSERT INTO directory_version (version) VALUES (1);
GRANT SELECT ON directory_version TO hub_app;

CREATE FUNCTION directory_version_bump() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
BEGIN
    UPDATE directory_version SET version = version + 1;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION directory_version_bump() FROM PUBLIC;

CREATE TRIGGER directory_version_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON directory_entries
    FOR EACH STATEMENT EXECUTE FUNCTION directory_version_bump();
CREATE TRIGGER directory_version_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON directory_ways
    FOR EACH STATEMENT EXECUTE FUNCTION directory_version_bump();
CREATE TRIGGER directory_version_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON federations
    FOR EACH STATEMENT EXECUTE FUNCTION directory_version_bump();
CREATE TRIGGER directory_version_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON federation_memberships
    FOR EACH STATEMENT EXECUTE FUNCTION directory_version_bump();
CREATE TRIGGER directory_version_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON organizations
    FOR EACH STATEMENT EXECUTE FUNCTION directory_version_bump();
CREATE TRIGGER directory_version_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON municipalities
    FOR EACH STATEMENT EXECUTE FUNCTION directory_version_bump();

---- create above / drop below ----

DROP TRIGGER directory_version_bump ON municipalities;
DROP TRIGGER directory_version_bump ON organizations;
DROP TRIGGER directory_version_bump ON federation_memberships;
DROP TRIGGER directory_version_bump ON federations;
DROP TRIGGER directory_version_bump ON directory_ways;
DROP TRIGGER directory_version_bump ON directory_entries;
DROP FUNCTION directory_version_bump();
DROP TABLE directory_version;
