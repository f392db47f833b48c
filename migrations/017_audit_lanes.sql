-- Audit lanes: each organisation's audit trail is striped into a fixed
-- number of independent hash chains ("lanes", audit_lanes() of them), so
-- that that many transactions of one organisation can append at once.
--
-- Until now audit_append locked the organisation's single chain head FOR
-- UPDATE until commit: every audited request of one organisation queued
-- behind the previous one's commit (and its WAL flush). Försäkringskassan
-- is one organisation with thousands of staff. Now audit_append takes the
-- first lane no other transaction holds (FOR UPDATE SKIP LOCKED), and
-- waits only when every lane is held.
--
-- Each lane is a chain exactly as the organisation's chain was: seq counts
-- 1, 2, 3, … within the lane, a record's hash covers its content and the
-- previous record's hash in the same lane, and audit_chain_heads holds the
-- newest (seq, hash) of every (org_id, lane). `hub audit verify` checks
-- every lane, and that every lane of an organisation has its head, so
-- removing, changing or reordering records, cutting off the newest of any
-- lane, or removing a lane's head is detected.
--
-- The records written before this migration are lane 0 and keep their
-- hashes: the canonical payload covers the lane only when it is above 0
-- (one more element, {"lane": n}, at the end of the array), so a lane-0
-- payload is byte for byte what migration 004 hashed. A record moved to
-- another lane, or a whole lane renumbered with its head, no longer matches
-- its hash: the lane number of a lane above 0 is in the hash, and a record
-- moved into lane 0 loses an element its hash covered.
--
-- The loggutdrag (personal_data_access) links a row to its audit record by
-- (actor_org_id, audit_lane, audit_seq); the rows written before are lane 0.

-- The number of lanes per organisation. Lanes are numbered 0 .. n-1.
-- Raising it later is safe (missing heads are created on demand, and
-- verify then expects them); lowering it would orphan lanes.
CREATE FUNCTION audit_lanes() RETURNS smallint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT 8::smallint $$;

-- Records. Adding a column with a constant default rewrites nothing: the
-- existing rows read as lane 0.
ALTER TABLE audit_records ADD COLUMN lane smallint NOT NULL DEFAULT 0 CHECK (lane >= 0);
ALTER TABLE audit_records ALTER COLUMN lane DROP DEFAULT;
ALTER TABLE audit_records DROP CONSTRAINT audit_records_pkey, ADD PRIMARY KEY (org_id, lane, seq);
-- The trail is listed newest first across lanes: (at, lane, seq).
DROP INDEX audit_records_org_at;
CREATE INDEX audit_records_org_at ON audit_records (org_id, at DESC, lane DESC, seq DESC);

-- Heads: one per (org_id, lane). The existing head becomes lane 0's.
-- Every organisation gets the heads of all its lanes now, and a new one
-- when it is created (trigger below), empty (seq 0): a head created by the
-- first append instead would be invisible to the organisation's other
-- transactions until that one commits, and they would wait for it. An
-- organisation's empty heads go with it; one with records cannot go.
ALTER TABLE audit_chain_heads ADD COLUMN lane smallint NOT NULL DEFAULT 0 CHECK (lane >= 0);
ALTER TABLE audit_chain_heads ALTER COLUMN lane DROP DEFAULT;
ALTER TABLE audit_chain_heads DROP CONSTRAINT audit_chain_heads_pkey, ADD PRIMARY KEY (org_id, lane);
ALTER TABLE audit_chain_heads DROP CONSTRAINT audit_chain_heads_org_id_fkey,
    ADD CONSTRAINT audit_chain_heads_org_id_fkey FOREIGN KEY (org_id) REFERENCES organizations (id) ON DELETE CASCADE;
INSERT INTO audit_chain_heads (org_id, lane, seq, hash)
SELECT o.id, l, 0, '\x'::bytea
FROM organizations o CROSS JOIN generate_series(0, audit_lanes() - 1) l
ON CONFLICT (org_id, lane) DO NOTHING;

CREATE FUNCTION audit_chain_heads_create() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
BEGIN
    INSERT INTO audit_chain_heads (org_id, lane, seq, hash)
    SELECT n.id, l, 0, '\x'::bytea
    FROM inserted n CROSS JOIN generate_series(0, audit_lanes() - 1) l
    ON CONFLICT (org_id, lane) DO NOTHING;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION audit_chain_heads_create() FROM PUBLIC;
CREATE TRIGGER audit_chain_heads_create AFTER INSERT ON organizations
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_heads_create();

-- The loggutdrag names the lane of its audit record too.
ALTER TABLE personal_data_access ADD COLUMN audit_lane smallint NOT NULL DEFAULT 0;

-- The canonical text a record's hash covers: as in migration 004, plus
-- {"lane": n} at the end when the lane is above 0 (see above).
CREATE OR REPLACE FUNCTION audit_payload(r audit_records) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT (jsonb_build_array(
        r.org_id, r.seq, r.id, (extract(epoch FROM r.at) * 1000000)::bigint, r.request_id,
        r.user_id, r.unit_id, r.roles, r.client_id, r.operation_type, r.operation_name,
        r.object_ids, r.decision, r.reason, r.purpose, r.consent_id)
        || CASE WHEN r.lane > 0 THEN jsonb_build_array(jsonb_build_object('lane', r.lane)) ELSE '[]'::jsonb END)::text
    $$;

-- audit_append adds a record to one lane of the acting organisation's
-- trail and returns the record's (lane, seq). It runs with its owner's
-- rights so that hub_app never writes a chain head itself; it refuses
-- records for any organisation but the transaction's.
--
-- The lane: the one this transaction already holds, if any (a transaction
-- that appends twice stays in one lane and never waits on a second one);
-- else the lowest lane nobody holds, without waiting (SKIP LOCKED); else,
-- after creating missing heads (only when audit_lanes() was raised, or for
-- an organisation whose heads the trigger did not create), a free one
-- again; and only when every lane is held, it waits for a random lane.
-- The held lane is remembered in the transaction-local setting
-- hub.audit_lane. It is only a hint: the lane is still locked here, and a
-- hint that names a lane held by someone else is skipped, not waited for.
DROP FUNCTION audit_append;
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
        -- Only heads that are not there at all: an INSERT that met a head
        -- another transaction holds would wait for it.
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
        -- Every lane is held: wait for one, chosen at random so that the
        -- waiters spread over the lanes.
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

---- create above / drop below ----

-- Records in lanes above 0 cannot go back into one chain per organisation
-- without rewriting their hashes, which an audit trail must never do.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM audit_records WHERE lane > 0)
       OR EXISTS (SELECT 1 FROM personal_data_access WHERE audit_lane > 0) THEN
        RAISE EXCEPTION 'cannot undo migration 017: audit records in lanes above 0 exist, and one chain per organisation cannot hold them without rewriting their hashes';
    END IF;
END
$$;

DROP FUNCTION audit_append;
CREATE OR REPLACE FUNCTION audit_payload(r audit_records) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT jsonb_build_array(
        r.org_id, r.seq, r.id, (extract(epoch FROM r.at) * 1000000)::bigint, r.request_id,
        r.user_id, r.unit_id, r.roles, r.client_id, r.operation_type, r.operation_name,
        r.object_ids, r.decision, r.reason, r.purpose, r.consent_id)::text
    $$;

ALTER TABLE personal_data_access DROP COLUMN audit_lane;

DROP TRIGGER audit_chain_heads_create ON organizations;
DROP FUNCTION audit_chain_heads_create();
-- Empty heads: the old audit_append creates a head at the first record.
DELETE FROM audit_chain_heads WHERE lane > 0 OR seq = 0;
ALTER TABLE audit_chain_heads DROP CONSTRAINT audit_chain_heads_pkey, ADD PRIMARY KEY (org_id);
ALTER TABLE audit_chain_heads DROP CONSTRAINT audit_chain_heads_org_id_fkey,
    ADD CONSTRAINT audit_chain_heads_org_id_fkey FOREIGN KEY (org_id) REFERENCES organizations (id);
ALTER TABLE audit_chain_heads DROP COLUMN lane;

DROP INDEX audit_records_org_at;
CREATE INDEX audit_records_org_at ON audit_records (org_id, at DESC, seq DESC);
ALTER TABLE audit_records DROP CONSTRAINT audit_records_pkey, ADD PRIMARY KEY (org_id, seq);
ALTER TABLE audit_records DROP COLUMN lane;

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
GRANT EXECUTE ON FUNCTION audit_append TO hub_app;

DROP FUNCTION audit_lanes;
