-- Identity: the OIDC issuers each organisation trusts for its staff, and
-- how to read a person out of that issuer's tokens.
--
-- One issuer may be trusted by several organisations (a regional IdP, or the
-- dev identity provider); a token then says which organisation its person
-- belongs to in the org claim, and that organisation must have registered
-- the issuer.
CREATE TABLE identity_issuers (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id      uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    issuer_url  text NOT NULL CHECK (issuer_url ~ '^https?://' AND length(issuer_url) <= 500),
    -- The audience tokens must be minted for (the hub's API).
    audience    text NOT NULL CHECK (length(audience) BETWEEN 1 AND 200),
    -- Optional JWKS URL for issuers whose discovery document names another
    -- issuer (Entra ID v1 tokens); NULL: use OIDC discovery.
    jwks_url    text CHECK (jwks_url IS NULL OR jwks_url ~ '^https?://'),
    -- Claim mapping.
    user_claim  text NOT NULL DEFAULT 'sub',
    name_claim  text NOT NULL DEFAULT 'name',
    org_claim   text NOT NULL DEFAULT 'hub_org',
    unit_claim  text NOT NULL DEFAULT 'hub_unit',
    roles_claim text NOT NULL DEFAULT 'hub_roles',
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (org_id, issuer_url)
);
CREATE INDEX identity_issuers_url ON identity_issuers (issuer_url);

---- create above / drop below ----

DROP TABLE identity_issuers;
