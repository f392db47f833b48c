-- docker-compose only: create the application role with a password before
-- the migrations run (migration 003 then finds it and leaves it alone).
CREATE ROLE hub_app LOGIN PASSWORD 'hub-app-dev-only' NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
