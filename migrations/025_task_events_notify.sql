-- The live inbox (issue 13 §5): every step written to a task's history is
-- announced on the channel hub_tasks, by a trigger, so that every writer
-- announces it (the API, the timer jobs that escalate and remind, the
-- command line) and none can forget. NOTIFY is delivered at commit, and
-- not at all if the transaction rolls back.
--
-- The payload carries ids only (the task, the step and its place in the
-- history, the step's kind, and the task's sender and recipient
-- organisations), never content: a notification is visible to every
-- listener of the database. Each replica's listener re-reads the task for
-- each subscriber under the subscriber's own principal and purpose
-- (internal/app/tasks.Follower), so the rule decides what reaches whom, at
-- the time the step arrives. The organisations only spare that re-read
-- for subscribers of organisations that are no party to the task; they
-- are null when the writer cannot see the task's row, and never grant.

CREATE FUNCTION hub_announce_task_event() RETURNS trigger
    LANGUAGE plpgsql SET search_path = public, pg_temp
    AS $$
DECLARE
    sender uuid;
    recipient uuid;
BEGIN
    SELECT t.sender_org_id, t.recipient_org_id INTO sender, recipient FROM tasks t WHERE t.id = NEW.task_id;
    PERFORM pg_notify('hub_tasks', json_build_object(
        'task', NEW.task_id, 'event', NEW.id, 'seq', NEW.seq, 'kind', NEW.kind,
        'sender', sender, 'recipient', recipient)::text);
    RETURN NULL;
END $$;

CREATE TRIGGER task_events_announce AFTER INSERT ON task_events
    FOR EACH ROW EXECUTE FUNCTION hub_announce_task_event();

---- create above / drop below ----
DROP TRIGGER task_events_announce ON task_events;
DROP FUNCTION hub_announce_task_event();
