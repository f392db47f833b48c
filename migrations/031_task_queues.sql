-- A unit's inbox, read in the order of an index (issue 13's target: a
-- page of 50 with totalCount, p99 <= 20 ms, on queues of 275,000 tasks).
--
-- Measured on the national data set, the page of FK's organisation-wide
-- queue took 350 ms: Postgres sorted the whole queue, for the reasons
-- this migration removes.
--
-- 1. The queue was a condition, not a value: `recipient_unit_id IS NULL
--    OR recipient_unit_id = unit`. IS NULL is no equality, so an index on
--    (recipient_org_id, recipient_unit_id, created_at) gives no created_at
--    order for the organisation's queue. recipient_queue is the queue as a
--    value (the unit when the entry named one, else the organisation), and
--    the inbox is two ordered index scans merged (internal/tasks).
-- 2. Enum equality (enum_eq) is not leakproof, so under row security
--    Postgres may not use `kind = $1` or `state = $1` to search an index:
--    it must check the policy on each row first. kind_code and state_code
--    are the same values as smallints, compared with a leakproof operator.
--    (So is a row comparison: the cursor compares its columns one by one.)
-- 3. The planner cannot estimate the row policy's selectivity (its
--    organisation is a parameter), guesses a few hundred rows, and prefers
--    a bitmap of the whole queue and a sort. Indexes that hold every column
--    the policy and the filters read make an index-only scan in order the
--    cheaper plan, and it is: a page reads 51 index tuples.
-- 4. A count of up to 1,000 rows was planned as a parallel index scan:
--    starting the workers took 7-18 ms of a 2 ms scan. A request reads a
--    page and a count; no statement on tasks needs workers.
ALTER TABLE tasks SET (parallel_workers = 0);

-- The codes of a kind and a state, in the enums' order. A value added to
-- either enum needs a code here: without one its tasks cannot be written
-- (the generated columns are NOT NULL), so the omission shows at once.
CREATE FUNCTION hub_task_kind_code(k task_kind) RETURNS smallint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
SELECT CASE k
    WHEN 'SIGNAL_SJUKSKRIVNING' THEN 1
    WHEN 'ANSOKAN_SAMORDNAD_REHABILITERING' THEN 2
    WHEN 'FRAGA_MEDICINSKT_UNDERLAG' THEN 3
    WHEN 'BEGARAN_GEMENSAM_KARTLAGGNING' THEN 4
    WHEN 'KALLELSE_SIP' THEN 5
    WHEN 'AF_INSKRIVNING' THEN 6
    WHEN 'KONSULTATION' THEN 7
    WHEN 'PAMINNELSE' THEN 8
END::smallint
$$;

CREATE FUNCTION hub_task_state_code(s task_state) RETURNS smallint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
SELECT CASE s
    WHEN 'SKICKAD' THEN 1
    WHEN 'MOTTAGEN' THEN 2
    WHEN 'ACCEPTERAD' THEN 3
    WHEN 'AVVISAD' THEN 4
    WHEN 'PAGAENDE' THEN 5
    WHEN 'KLAR' THEN 6
    WHEN 'AVBRUTEN' THEN 7
END::smallint
$$;

GRANT EXECUTE ON FUNCTION hub_task_kind_code(task_kind) TO hub_app;
GRANT EXECUTE ON FUNCTION hub_task_state_code(task_state) TO hub_app;

-- recipient_queue, kind_code and state_code are points 1 and 2 above.
-- due_open is the day an open task (SKICKAD, MOTTAGEN, ACCEPTERAD,
-- PAGAENDE) is due, NULL once it is closed. The due filter ("due before a day") asks for
-- open tasks, most overdue first: read in this order from an index, the
-- page is the first entries whatever the day, where in created_at order a
-- queue of 100,000 open tasks had to be read past every task not yet due.
ALTER TABLE tasks
    ADD COLUMN recipient_queue uuid NOT NULL GENERATED ALWAYS AS (coalesce(recipient_unit_id, recipient_org_id)) STORED,
    ADD COLUMN kind_code smallint NOT NULL GENERATED ALWAYS AS (hub_task_kind_code(kind)) STORED,
    ADD COLUMN state_code smallint NOT NULL GENERATED ALWAYS AS (hub_task_state_code(state)) STORED,
    ADD COLUMN due_open date GENERATED ALWAYS AS (
        CASE WHEN state IN ('SKICKAD', 'MOTTAGEN', 'ACCEPTERAD', 'PAGAENDE') THEN due_on END) STORED;

GRANT SELECT (recipient_queue, kind_code, state_code, due_open) ON tasks TO hub_app;

-- Each box (a queue, or what an organisation sent) newest first, without a
-- filter and by kind and by state, and its open tasks by due day. INCLUDE
-- holds the columns of the row policy party_read (sender_org_id,
-- recipient_org_id, recipient_unit_id), and the due index the codes, so
-- that neither the page nor the count visits the table.
DROP INDEX tasks_inbox;
DROP INDEX tasks_sent;
CREATE INDEX tasks_queue ON tasks (recipient_queue, created_at DESC, id DESC)
    INCLUDE (recipient_org_id, recipient_unit_id, sender_org_id);
CREATE INDEX tasks_queue_kind ON tasks (recipient_queue, kind_code, created_at DESC, id DESC)
    INCLUDE (recipient_org_id, recipient_unit_id, sender_org_id);
CREATE INDEX tasks_queue_state ON tasks (recipient_queue, state_code, created_at DESC, id DESC)
    INCLUDE (recipient_org_id, recipient_unit_id, sender_org_id);
CREATE INDEX tasks_queue_due ON tasks (recipient_queue, due_open, id)
    INCLUDE (recipient_org_id, recipient_unit_id, sender_org_id, kind_code, state_code) WHERE due_open IS NOT NULL;
CREATE INDEX tasks_sent ON tasks (sender_org_id, created_at DESC, id DESC)
    INCLUDE (recipient_org_id, recipient_unit_id);
CREATE INDEX tasks_sent_kind ON tasks (sender_org_id, kind_code, created_at DESC, id DESC)
    INCLUDE (recipient_org_id, recipient_unit_id);
CREATE INDEX tasks_sent_state ON tasks (sender_org_id, state_code, created_at DESC, id DESC)
    INCLUDE (recipient_org_id, recipient_unit_id);
CREATE INDEX tasks_sent_due ON tasks (sender_org_id, due_open, id)
    INCLUDE (recipient_org_id, recipient_unit_id, kind_code, state_code) WHERE due_open IS NOT NULL;

---- create above / drop below ----
ALTER TABLE tasks RESET (parallel_workers);
DROP INDEX tasks_sent_due;
DROP INDEX tasks_queue_due;
DROP INDEX tasks_sent_state;
DROP INDEX tasks_sent_kind;
DROP INDEX tasks_sent;
DROP INDEX tasks_queue_state;
DROP INDEX tasks_queue_kind;
DROP INDEX tasks_queue;
CREATE INDEX tasks_sent ON tasks (sender_org_id, created_at DESC, id DESC);
CREATE INDEX tasks_inbox ON tasks (recipient_org_id, recipient_unit_id, created_at DESC, id DESC);
ALTER TABLE tasks DROP COLUMN due_open, DROP COLUMN state_code, DROP COLUMN kind_code, DROP COLUMN recipient_queue;
DROP FUNCTION hub_task_state_code(task_state);
DROP FUNCTION hub_task_kind_code(task_kind);
