-- One clock per request. The application layer takes the request's time
-- once, when its unit of work begins, and sets it as hub.now for the
-- transaction; hub_now() returns it, hub_today() is its Swedish calendar
-- day, and every time the application writes (a case opened, a samtycke
-- recorded or revoked, an item recorded, an entry saved, the audit record)
-- is that time. Go computes statuses (a samtycke's "in force today", an
-- entry's review, "open now") from the same time, so SQL and Go can never
-- disagree about the day, even at midnight. A session without hub.now
-- (migrations, seeding, the owner's tools) gets the transaction's now().

CREATE FUNCTION hub_now() RETURNS timestamptz
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT coalesce(nullif(current_setting('hub.now', true), '')::timestamptz, now()) $$;
GRANT EXECUTE ON FUNCTION hub_now() TO hub_app;

CREATE OR REPLACE FUNCTION hub_today() RETURNS date
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT (hub_now() AT TIME ZONE 'Europe/Stockholm')::date $$;

---- create above / drop below ----

CREATE OR REPLACE FUNCTION hub_today() RETURNS date
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT (now() AT TIME ZONE 'Europe/Stockholm')::date $$;
DROP FUNCTION hub_now();
