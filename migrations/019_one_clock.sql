-- One clock per request. The application layer takes the request's time
-- once, when its unit of work begins, and sets it as hub.now for the
-- transaction; hub_now() returns it, hub_today() is its Swedish calendar
-- day, and the times the use cases write (a case opened, a samtycke
-- recorded or revoked, an item recorded, an entry saved or archived, the
-- audit record) are that time. Go computes statuses (a samtycke's "in
-- force today", an entry's review, "open now") from the same time, so SQL
-- and Go do not disagree about the day, even at midnight. A session
-- without hub.now (migrations, seeding, the owner's tools) gets the
-- transaction's now().
--
-- The database stays the judge of time: a request's clock that differs
-- from the transaction's now() by more than 30 seconds (a replica whose
-- clock has drifted, or a request that waited long for a connection) is
-- not used, and now() is. Row-level security's "in force today" can thus
-- never follow an application server's wrong clock by more than that.
CREATE FUNCTION hub_now() RETURNS timestamptz
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT CASE WHEN abs(extract(epoch FROM
                          coalesce(nullif(current_setting('hub.now', true), '')::timestamptz, now()) - now())) <= 30
                      THEN coalesce(nullif(current_setting('hub.now', true), '')::timestamptz, now())
                      ELSE now() END $$;
GRANT EXECUTE ON FUNCTION hub_now() TO hub_app;

CREATE OR REPLACE FUNCTION hub_today() RETURNS date
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT (hub_now() AT TIME ZONE 'Europe/Stockholm')::date $$;

---- create above / drop below ----

CREATE OR REPLACE FUNCTION hub_today() RETURNS date
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT (now() AT TIME ZONE 'Europe/Stockholm')::date $$;
DROP FUNCTION hub_now();
