-- Tasks sent together (docs/tasks.md, "A joint request"): a
-- BEGARAN_GEMENSAM_KARTLAGGNING that names no organisation kind goes to
-- Försäkringskassan and Arbetsförmedlingen at once, one task per party,
-- written in one request, all or nothing. joint_id links them: the id of
-- the group's first task (which names itself), NULL for a task sent alone.
--
-- Who sees what of the group is row security's, unchanged: each task of
-- the group is its sender's and its own recipient's queue's (party_read of
-- migration 023), so the sender sees every task of the group and a
-- recipient only its own. The application lists a task's companions
-- (Task.jointWith) from the tasks the reader is a party to, so a recipient
-- learns nothing of the other party's task. hub_app reads joint_id itself
-- (a bare id, like routed_entry_id): a recipient of a later task of a
-- group could read the first task's id, never that task (row security).
--
-- The writes: hub_app inserts joint_id (the table's INSERT grant of
-- migration 023 covers a new column) and never updates it (its UPDATE
-- grant names columns). sender_insert (migration 029) now also holds a
-- task's group to what the application writes: a task names itself, or
-- the first task of its group, which the same sender wrote in the same
-- request (hub_now()) about the same person with the same kind, and a
-- group has one task per recipient organisation (hub_task_joins).

ALTER TABLE tasks ADD COLUMN joint_id uuid REFERENCES tasks (id);
CREATE INDEX tasks_joint ON tasks (joint_id) WHERE joint_id IS NOT NULL;
GRANT SELECT (joint_id) ON tasks TO hub_app;

-- Whether the task p_id, sent by p_sender at p_created (kind p_kind, about
-- the person p_individual, to the organisation p_recipient), may name
-- p_joint as its group: none; itself (the first task of a group); or the
-- first task of a group the same sender wrote at the same time (the same
-- request: sender_insert asks created_at = hub_now()) of the same kind
-- about the same person, to which no task for p_recipient belongs yet.
--
-- Why a function: a policy on tasks cannot query tasks itself (Postgres
-- refuses the recursion); a PL/pgSQL function's statements are planned on
-- their own. It is not SECURITY DEFINER: it sees the tasks row security
-- shows the caller, which holds every task of a group the caller sent and
-- none of another sender's.
CREATE FUNCTION hub_task_joins(p_id uuid, p_joint uuid, p_sender uuid, p_created timestamptz, p_kind task_kind,
                               p_individual uuid, p_recipient uuid) RETURNS boolean
    LANGUAGE plpgsql STABLE SET search_path = public, pg_temp
    AS $$
BEGIN
    RETURN p_joint IS NULL OR p_joint = p_id
        OR (EXISTS (SELECT 1 FROM tasks j WHERE j.id = p_joint AND j.joint_id = j.id
                    AND j.sender_org_id = p_sender AND j.created_at = p_created
                    AND j.kind = p_kind AND j.individual_id IS NOT DISTINCT FROM p_individual)
            AND NOT EXISTS (SELECT 1 FROM tasks o WHERE o.joint_id = p_joint AND o.recipient_org_id = p_recipient));
END $$;
REVOKE ALL ON FUNCTION hub_task_joins(uuid, uuid, uuid, timestamptz, task_kind, uuid, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub_task_joins(uuid, uuid, uuid, timestamptz, task_kind, uuid, uuid) TO hub_app;

DROP POLICY sender_insert ON tasks;
CREATE POLICY sender_insert ON tasks FOR INSERT WITH CHECK (
    sender_org_id = (SELECT hub_current_org())
    AND sender_unit_id IS NOT DISTINCT FROM (SELECT hub_current_unit())
    AND sender_user_id = (SELECT hub_current_user())
    AND created_at = (SELECT hub_now()) AND updated_at = created_at
    AND state = 'SKICKAD' AND escalation_level = 0
    AND assignee_user_id IS NULL AND assignee_name IS NULL AND reject_reason IS NULL
    AND purpose::text = (SELECT hub_current_purpose())
    AND classes <@ (SELECT hub_org_classes(hub_current_org()))
    AND due_on BETWEEN (SELECT hub_today()) AND (SELECT hub_today()) + 366
    AND (EXISTS (SELECT 1 FROM directory_entries d WHERE d.id = tasks.routed_entry_id
                 AND d.org_id = tasks.recipient_org_id AND d.unit_id IS NOT DISTINCT FROM tasks.recipient_unit_id)
         OR (routed_entry_id IS NULL AND recipient_org_id = sender_org_id)) -- a reminder to the own organisation, if the table allows one
    AND CASE WHEN case_id IS NULL THEN consent_id IS NULL
        ELSE EXISTS (SELECT 1 FROM cases c WHERE c.id = tasks.case_id
                     AND c.individual_id = tasks.individual_id AND c.org_id = tasks.case_org_id)
             AND CASE WHEN cardinality(hub_task_needed_classes(classes, recipient_org_id, case_org_id)) = 0
                      THEN consent_id IS NULL
                      ELSE consent_id = hub_task_samtycke(individual_id, recipient_org_id, recipient_unit_id, purpose,
                                                          hub_task_needed_classes(classes, recipient_org_id, case_org_id))
                 END
        END
    AND hub_task_joins(id, joint_id, sender_org_id, created_at, kind, individual_id, recipient_org_id));

---- create above / drop below ----
DROP POLICY sender_insert ON tasks;
CREATE POLICY sender_insert ON tasks FOR INSERT WITH CHECK (
    sender_org_id = (SELECT hub_current_org())
    AND sender_unit_id IS NOT DISTINCT FROM (SELECT hub_current_unit())
    AND sender_user_id = (SELECT hub_current_user())
    AND created_at = (SELECT hub_now()) AND updated_at = created_at
    AND state = 'SKICKAD' AND escalation_level = 0
    AND assignee_user_id IS NULL AND assignee_name IS NULL AND reject_reason IS NULL
    AND purpose::text = (SELECT hub_current_purpose())
    AND classes <@ (SELECT hub_org_classes(hub_current_org()))
    AND due_on BETWEEN (SELECT hub_today()) AND (SELECT hub_today()) + 366
    AND (EXISTS (SELECT 1 FROM directory_entries d WHERE d.id = tasks.routed_entry_id
                 AND d.org_id = tasks.recipient_org_id AND d.unit_id IS NOT DISTINCT FROM tasks.recipient_unit_id)
         OR (routed_entry_id IS NULL AND recipient_org_id = sender_org_id)) -- a reminder to the own organisation, if the table allows one
    AND CASE WHEN case_id IS NULL THEN consent_id IS NULL
        ELSE EXISTS (SELECT 1 FROM cases c WHERE c.id = tasks.case_id
                     AND c.individual_id = tasks.individual_id AND c.org_id = tasks.case_org_id)
             AND CASE WHEN cardinality(hub_task_needed_classes(classes, recipient_org_id, case_org_id)) = 0
                      THEN consent_id IS NULL
                      ELSE consent_id = hub_task_samtycke(individual_id, recipient_org_id, recipient_unit_id, purpose,
                                                          hub_task_needed_classes(classes, recipient_org_id, case_org_id))
                 END
        END);
DROP FUNCTION hub_task_joins(uuid, uuid, uuid, timestamptz, task_kind, uuid, uuid);
DROP INDEX tasks_joint;
REVOKE SELECT (joint_id) ON tasks FROM hub_app;
ALTER TABLE tasks DROP COLUMN joint_id;
