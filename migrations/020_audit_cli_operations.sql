-- The hub's command-line tools act for an organisation too (a phone list
-- imported with `hub directory import`), through the same use cases as
-- the API, and are audited like it: their records have operation type
-- 'cli' and name the command.

ALTER TABLE audit_records DROP CONSTRAINT audit_records_operation_type_check;
ALTER TABLE audit_records ADD CONSTRAINT audit_records_operation_type_check
    CHECK (operation_type IN ('query', 'mutation', 'subscription', 'http', 'cli'));

---- create above / drop below ----

LOCK TABLE audit_records IN ACCESS EXCLUSIVE MODE;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM audit_records WHERE operation_type = 'cli') THEN
        RAISE EXCEPTION 'cannot undo migration 020: audit records of command-line operations exist';
    END IF;
END
$$;
ALTER TABLE audit_records DROP CONSTRAINT audit_records_operation_type_check;
ALTER TABLE audit_records ADD CONSTRAINT audit_records_operation_type_check
    CHECK (operation_type IN ('query', 'mutation', 'subscription', 'http'));
