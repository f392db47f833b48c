-- CORS: the web origins from which an organisation's single-page apps
-- (OAuth clients such as hub-spa) call the API. A browser lets a page on one
-- of these origins read the API's answers (the hub answers its preflight
-- and echoes the origin); a page on any other origin gets no CORS headers
-- and the browser blocks it. Registered like identity_issuers: per
-- organisation, everyone reads (the list is public configuration, no
-- personal data), the own organisation writes.
--
-- An origin is scheme://host[:port], lowercase, with no path: exactly what
-- a browser sends in its Origin header (internal/identity/origins.go
-- normalises before it stores).
CREATE TABLE identity_client_origins (
    org_id     uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    -- The OAuth client the origin belongs to (its client_id at the IdP).
    client_id  text NOT NULL CHECK (length(client_id) BETWEEN 1 AND 200),
    origin     text NOT NULL CHECK (origin ~ '^https?://[a-z0-9.:\[\]-]+$' AND length(origin) <= 300),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, client_id, origin)
);

GRANT SELECT, INSERT, DELETE ON identity_client_origins TO hub_app;
CALL hub_tenant_policies('identity_client_origins', 'org_id');

---- create above / drop below ----

DROP TABLE identity_client_origins;
