-- The client's operation name, kept apart from what ran.
--
-- Until now operation_name held the operation name the client gave (the
-- `directoryLookup` of `query directoryLookup { cases { … } }`), and the
-- loggutdrag showed it to the person as what was done with their data: a
-- name of the client's choosing, anything at all. From now on
-- operation_name (and personal_data_access.operation) holds the root
-- fields the server actually executed (`cases`), decided by the server;
-- the name the client gave is kept as what it is, in a column of its own,
-- client_operation_name, labelled as not trusted. Records written before
-- keep what they hold: an audit trail is never rewritten.
--
-- The hash covers the new column without changing any old hash, the way
-- migration 017 added the lane: the canonical payload gets one more
-- element, {"client_operation_name": "…"}, at the end of the array, only
-- when the column is set. Every record written before has it NULL, so its
-- payload is byte for byte what was hashed. Setting the column on a record
-- that had none, clearing it, or changing it no longer matches the hash.

ALTER TABLE audit_records ADD COLUMN client_operation_name text
    CHECK (char_length(client_operation_name) BETWEEN 1 AND 100);

-- The canonical text a record's hash covers: as in migration 017, plus
-- {"client_operation_name": "…"} at the end when it is set (see above).
-- The optional elements are objects with distinct keys, so a payload says
-- which of them it holds.
CREATE OR REPLACE FUNCTION audit_payload(r audit_records) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT (jsonb_build_array(
        r.org_id, r.seq, r.id, (extract(epoch FROM r.at) * 1000000)::bigint, r.request_id,
        r.user_id, r.unit_id, r.roles, r.client_id, r.operation_type, r.operation_name,
        r.object_ids, r.decision, r.reason, r.purpose, r.consent_id)
        || CASE WHEN r.lane > 0 THEN jsonb_build_array(jsonb_build_object('lane', r.lane)) ELSE '[]'::jsonb END
        || CASE WHEN r.client_operation_name IS NOT NULL
                THEN jsonb_build_array(jsonb_build_object('client_operation_name', r.client_operation_name))
                ELSE '[]'::jsonb END)::text
    $$;

-- audit_append as in migration 017 (see there for how the lane is
-- chosen), with the client's operation name as its last parameter. The old
-- signature goes: a record written without it would lose what the client
-- called the operation.
DROP FUNCTION audit_append;
CREATE FUNCTION audit_append(
    p_at timestamptz, p_request_id text, p_user_id text, p_unit_id uuid, p_roles text[],
    p_client_id text, p_operation_type text, p_operation_name text, p_object_ids text[],
    p_decision text, p_reason text, p_purpose text, p_consent_id uuid, p_client_operation_name text,
    OUT lane smallint, OUT seq bigint
)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
#variable_conflict use_column
DECLARE
    v_org   uuid := hub_current_org();
    v_hint  text := current_setting('hub.audit_lane', true);
    v_head  audit_chain_heads;
    v_found boolean := false;
    v_wait  smallint;
    v_rec   audit_records;
BEGIN
    IF v_org IS NULL THEN
        RAISE EXCEPTION 'audit_append: no organisation set for this transaction (hub.org_id)';
    END IF;

    IF v_hint ~ '^[0-9]{1,4}$' THEN
        SELECT * INTO v_head FROM audit_chain_heads h
        WHERE h.org_id = v_org AND h.lane = v_hint::smallint
        FOR UPDATE SKIP LOCKED;
        v_found := FOUND;
    END IF;
    IF NOT v_found THEN
        SELECT * INTO v_head FROM audit_chain_heads h
        WHERE h.org_id = v_org ORDER BY h.lane LIMIT 1
        FOR UPDATE SKIP LOCKED;
        v_found := FOUND;
    END IF;
    IF NOT v_found THEN
        INSERT INTO audit_chain_heads (org_id, lane, seq, hash)
        SELECT v_org, l, 0, '\x'::bytea FROM generate_series(0, audit_lanes() - 1) l
        WHERE NOT EXISTS (SELECT 1 FROM audit_chain_heads h WHERE h.org_id = v_org AND h.lane = l)
        ON CONFLICT DO NOTHING;
        SELECT * INTO v_head FROM audit_chain_heads h
        WHERE h.org_id = v_org ORDER BY h.lane LIMIT 1
        FOR UPDATE SKIP LOCKED;
        v_found := FOUND;
    END IF;
    IF NOT v_found THEN
        v_wait := floor(random() * audit_lanes());
        SELECT * INTO v_head FROM audit_chain_heads h
        WHERE h.org_id = v_org AND h.lane = v_wait
        FOR UPDATE;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'audit_append: the chain heads of organisation % are missing', v_org;
        END IF;
    END IF;

    v_rec.org_id                := v_org;
    v_rec.lane                  := v_head.lane;
    v_rec.seq                   := v_head.seq + 1;
    v_rec.id                    := gen_random_uuid();
    v_rec.at                    := p_at;
    v_rec.request_id            := p_request_id;
    v_rec.user_id               := p_user_id;
    v_rec.unit_id               := p_unit_id;
    v_rec.roles                 := p_roles;
    v_rec.client_id             := p_client_id;
    v_rec.operation_type        := p_operation_type;
    v_rec.operation_name        := p_operation_name;
    v_rec.object_ids            := coalesce(p_object_ids, '{}');
    v_rec.decision              := p_decision;
    v_rec.reason                := p_reason;
    v_rec.purpose               := p_purpose;
    v_rec.consent_id            := p_consent_id;
    v_rec.client_operation_name := p_client_operation_name;
    v_rec.prev_hash             := v_head.hash;
    v_rec.hash                  := audit_hash(v_head.hash, v_rec);
    INSERT INTO audit_records SELECT v_rec.*;
    UPDATE audit_chain_heads h SET seq = v_rec.seq, hash = v_rec.hash
    WHERE h.org_id = v_org AND h.lane = v_rec.lane;
    PERFORM set_config('hub.audit_lane', v_rec.lane::text, true);

    lane := v_rec.lane;
    seq := v_rec.seq;
END
$$;
REVOKE ALL ON FUNCTION audit_append(timestamptz, text, text, uuid, text[], text, text, text, text[], text, text, text, uuid, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_append(timestamptz, text, text, uuid, text[], text, text, text, text[], text, text, text, uuid, text) TO hub_app;

-- The signature of migration 017, for replicas of the previous release
-- during a rolling deploy: they keep auditing (without a client name)
-- until they are replaced. Drop it in a later migration.
CREATE FUNCTION audit_append(
    p_at timestamptz, p_request_id text, p_user_id text, p_unit_id uuid, p_roles text[],
    p_client_id text, p_operation_type text, p_operation_name text, p_object_ids text[],
    p_decision text, p_reason text, p_purpose text, p_consent_id uuid,
    OUT lane smallint, OUT seq bigint
)
    LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT * FROM audit_append(p_at, p_request_id, p_user_id, p_unit_id, p_roles, p_client_id,
        p_operation_type, p_operation_name, p_object_ids, p_decision, p_reason, p_purpose, p_consent_id, NULL::text) $$;
REVOKE ALL ON FUNCTION audit_append(timestamptz, text, text, uuid, text[], text, text, text, text[], text, text, text, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_append(timestamptz, text, text, uuid, text[], text, text, text, text[], text, text, text, uuid) TO hub_app;

---- create above / drop below ----

-- A record that holds the client's operation name cannot lose it without
-- failing its hash, and rewriting hashes is what an audit trail must never
-- do. The lock keeps a record from being written between the check and
-- the drop.
LOCK TABLE audit_records IN ACCESS EXCLUSIVE MODE;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM audit_records WHERE client_operation_name IS NOT NULL) THEN
        RAISE EXCEPTION 'cannot undo migration 018: audit records with a client operation name exist, and dropping it would break their hashes';
    END IF;
END
$$;

DROP FUNCTION audit_append(timestamptz, text, text, uuid, text[], text, text, text, text[], text, text, text, uuid);
DROP FUNCTION audit_append(timestamptz, text, text, uuid, text[], text, text, text, text[], text, text, text, uuid, text);
CREATE OR REPLACE FUNCTION audit_payload(r audit_records) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT (jsonb_build_array(
        r.org_id, r.seq, r.id, (extract(epoch FROM r.at) * 1000000)::bigint, r.request_id,
        r.user_id, r.unit_id, r.roles, r.client_id, r.operation_type, r.operation_name,
        r.object_ids, r.decision, r.reason, r.purpose, r.consent_id)
        || CASE WHEN r.lane > 0 THEN jsonb_build_array(jsonb_build_object('lane', r.lane)) ELSE '[]'::jsonb END)::text
    $$;
ALTER TABLE audit_records DROP COLUMN client_operation_name;

CREATE FUNCTION audit_append(
    p_at timestamptz, p_request_id text, p_user_id text, p_unit_id uuid, p_roles text[],
    p_client_id text, p_operation_type text, p_operation_name text, p_object_ids text[],
    p_decision text, p_reason text, p_purpose text, p_consent_id uuid,
    OUT lane smallint, OUT seq bigint
)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
#variable_conflict use_column
DECLARE
    v_org   uuid := hub_current_org();
    v_hint  text := current_setting('hub.audit_lane', true);
    v_head  audit_chain_heads;
    v_found boolean := false;
    v_wait  smallint;
    v_rec   audit_records;
BEGIN
    IF v_org IS NULL THEN
        RAISE EXCEPTION 'audit_append: no organisation set for this transaction (hub.org_id)';
    END IF;

    IF v_hint ~ '^[0-9]{1,4}$' THEN
        SELECT * INTO v_head FROM audit_chain_heads h
        WHERE h.org_id = v_org AND h.lane = v_hint::smallint
        FOR UPDATE SKIP LOCKED;
        v_found := FOUND;
    END IF;
    IF NOT v_found THEN
        SELECT * INTO v_head FROM audit_chain_heads h
        WHERE h.org_id = v_org ORDER BY h.lane LIMIT 1
        FOR UPDATE SKIP LOCKED;
        v_found := FOUND;
    END IF;
    IF NOT v_found THEN
        INSERT INTO audit_chain_heads (org_id, lane, seq, hash)
        SELECT v_org, l, 0, '\x'::bytea FROM generate_series(0, audit_lanes() - 1) l
        WHERE NOT EXISTS (SELECT 1 FROM audit_chain_heads h WHERE h.org_id = v_org AND h.lane = l)
        ON CONFLICT DO NOTHING;
        SELECT * INTO v_head FROM audit_chain_heads h
        WHERE h.org_id = v_org ORDER BY h.lane LIMIT 1
        FOR UPDATE SKIP LOCKED;
        v_found := FOUND;
    END IF;
    IF NOT v_found THEN
        v_wait := floor(random() * audit_lanes());
        SELECT * INTO v_head FROM audit_chain_heads h
        WHERE h.org_id = v_org AND h.lane = v_wait
        FOR UPDATE;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'audit_append: the chain heads of organisation % are missing', v_org;
        END IF;
    END IF;

    v_rec.org_id         := v_org;
    v_rec.lane           := v_head.lane;
    v_rec.seq            := v_head.seq + 1;
    v_rec.id             := gen_random_uuid();
    v_rec.at             := p_at;
    v_rec.request_id     := p_request_id;
    v_rec.user_id        := p_user_id;
    v_rec.unit_id        := p_unit_id;
    v_rec.roles          := p_roles;
    v_rec.client_id      := p_client_id;
    v_rec.operation_type := p_operation_type;
    v_rec.operation_name := p_operation_name;
    v_rec.object_ids     := coalesce(p_object_ids, '{}');
    v_rec.decision       := p_decision;
    v_rec.reason         := p_reason;
    v_rec.purpose        := p_purpose;
    v_rec.consent_id     := p_consent_id;
    v_rec.prev_hash      := v_head.hash;
    v_rec.hash           := audit_hash(v_head.hash, v_rec);
    INSERT INTO audit_records SELECT v_rec.*;
    UPDATE audit_chain_heads h SET seq = v_rec.seq, hash = v_rec.hash
    WHERE h.org_id = v_org AND h.lane = v_rec.lane;
    PERFORM set_config('hub.audit_lane', v_rec.lane::text, true);

    lane := v_rec.lane;
    seq := v_rec.seq;
END
$$;
REVOKE ALL ON FUNCTION audit_append FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_append TO hub_app;
