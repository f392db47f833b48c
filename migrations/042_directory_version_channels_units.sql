-- The directory's version now also moves with its channels and with the
-- units that run its functions: each replica keeps the whole directory in
-- memory (internal/directory/resident), channels and units included, and
-- serves it only while it is at the current version, so every table an
-- answer is made of must move the version in the changing transaction.
-- Channels used to be read per request (migration 015).

CREATE TRIGGER directory_version_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON directory_channels
    FOR EACH STATEMENT EXECUTE FUNCTION directory_version_bump();
CREATE TRIGGER directory_version_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON units
    FOR EACH STATEMENT EXECUTE FUNCTION directory_version_bump();

---- create above / drop below ----

DROP TRIGGER directory_version_bump ON units;
DROP TRIGGER directory_version_bump ON directory_channels;
