-- Stored authorization policies. The newest row is the active policy on
-- every replica; without rows the hub uses the policy embedded in the binary
-- (policy/policy.csv). `hub policy load FILE` adds a row and notifies the
-- channel hub_policy, on which every replica listens and reloads.
CREATE TABLE authz_policies (
    version    bigserial   PRIMARY KEY,
    policy     text        NOT NULL CHECK (length(policy) BETWEEN 1 AND 1000000),
    loaded_by  text        NOT NULL,
    loaded_at  timestamptz NOT NULL DEFAULT now()
);

-- The application reads policies; only the owner (operators) writes them.
GRANT SELECT ON authz_policies TO hub_app;

---- create above / drop below ----

REVOKE ALL ON authz_policies FROM hub_app;
DROP TABLE authz_policies;
