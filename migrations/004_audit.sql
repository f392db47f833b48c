-- The audit trail: one record per operation that touches protected data,
-- and per refused attempt, written in the same transaction as the work.
--
-- Append-only for the application: hub_app may insert (through
-- audit_append) and read its own organisation's records, never update or
-- delete. Each organisation's records form a hash chain: a record's hash
-- covers its content and the previous record's hash, and audit_chain_heads
-- holds the newest (seq, hash), so removing, changing or reordering records,
-- or cutting off the newest ones, breaks the chain (`hub audit verify`).

CREATE TABLE audit_records (
    org_id         uuid        NOT NULL REFERENCES organizations (id),
    seq            bigint      NOT NULL CHECK (seq > 0),
    id             uuid        NOT NULL DEFAULT gen_random_uuid() UNIQUE,
    at             timestamptz NOT NULL,
    request_id     text        NOT NULL,
    user_id        text        NOT NULL,
    unit_id        uuid,
    roles          text[]      NOT NULL,
    client_id      text,
    operation_type text        NOT NULL CHECK (operation_type IN ('query', 'mutation', 'subscription', 'http')),
    operation_name text        NOT NULL,
    object_ids     text[]      NOT NULL DEFAULT '{}',
    decision       text        NOT NULL CHECK (decision IN ('ALLOWED', 'DENIED')),
    reason         text,
    purpose        text,
    consent_id     uuid,
    prev_hash      bytea       NOT NULL,
    hash           bytea       NOT NULL,
    PRIMARY KEY (org_id, seq)
);
CREATE INDEX audit_records_org_at ON audit_records (org_id, at DESC, seq DESC);
CREATE INDEX audit_records_user ON audit_records (org_id, user_id, at DESC);
CREATE INDEX audit_records_objects ON audit_records USING gin (object_ids);

CREATE TABLE audit_chain_heads (
    org_id uuid   PRIMARY KEY REFERENCES organizations (id),
    seq    bigint NOT NULL,
    hash   bytea  NOT NULL
);

-- The canonical text a record's hash covers. jsonb renders deterministically;
-- time is in microseconds since the epoch, independent of the session's zone.
CREATE FUNCTION audit_payload(r audit_records) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT jsonb_build_array(
        r.org_id, r.seq, r.id, (extract(epoch FROM r.at) * 1000000)::bigint, r.request_id,
        r.user_id, r.unit_id, r.roles, r.client_id, r.operation_type, r.operation_name,
        r.object_ids, r.decision, r.reason, r.purpose, r.consent_id)::text
    $$;

CREATE FUNCTION audit_hash(prev bytea, r audit_records) RETURNS bytea
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT sha256(prev || convert_to(audit_payload(r), 'UTF8')) $$;

-- audit_append adds a record to the acting organisation's chain. It runs
-- with its owner's rights so that hub_app never writes the chain head
-- itself; it refuses records for any organisation but the transaction's.
-- Appends of one organisation serialise on its chain head until commit.
CREATE FUNCTION audit_append(
    p_at timestamptz, p_request_id text, p_user_id text, p_unit_id uuid, p_roles text[],
    p_client_id text, p_operation_type text, p_operation_name text, p_object_ids text[],
    p_decision text, p_reason text, p_purpose text, p_consent_id uuid
) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
DECLARE
    v_org  uuid := hub_current_org();
    v_head audit_chain_heads;
    v_rec  audit_records;
BEGIN
    IF v_org IS NULL THEN
        RAISE EXCEPTION 'audit_append: no organisation set for this transaction (hub.org_id)';
    END IF;
    INSERT INTO audit_chain_heads (org_id, seq, hash) VALUES (v_org, 0, '\x'::bytea)
        ON CONFLICT (org_id) DO NOTHING;
    SELECT * INTO v_head FROM audit_chain_heads WHERE org_id = v_org FOR UPDATE;

    v_rec := ROW(v_org, v_head.seq + 1, gen_random_uuid(), p_at, p_request_id, p_user_id, p_unit_id,
                 p_roles, p_client_id, p_operation_type, p_operation_name, coalesce(p_object_ids, '{}'),
                 p_decision, p_reason, p_purpose, p_consent_id, v_head.hash, NULL)::audit_records;
    v_rec.hash := audit_hash(v_head.hash, v_rec);
    INSERT INTO audit_records SELECT v_rec.*;
    UPDATE audit_chain_heads SET seq = v_rec.seq, hash = v_rec.hash WHERE org_id = v_org;
    RETURN v_rec.seq;
END
$$;
REVOKE ALL ON FUNCTION audit_append FROM PUBLIC;

GRANT SELECT ON audit_records TO hub_app;
GRANT EXECUTE ON FUNCTION audit_append TO hub_app;

-- A loggranskare sees their own organisation's trail only, even through a
-- query that forgot its WHERE clause.
ALTER TABLE audit_records ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_read ON audit_records FOR SELECT USING (org_id = (SELECT hub_current_org()));

---- create above / drop below ----

DROP FUNCTION audit_append;
DROP FUNCTION audit_hash;
DROP FUNCTION audit_payload;
DROP TABLE audit_chain_heads;
DROP TABLE audit_records;
