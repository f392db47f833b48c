-- Tasks between agencies, hardened after the security review of
-- migration 023 (docs/tasks.md, "Who sees what" and "Row-level
-- security").
--
-- WHO SEES WHAT. Each party of a task sees the text it wrote itself (the
-- sender its subject and body, the recipient its rejection reason, each
-- its own notes of the history). The text of the other party, and for a
-- sender that does not own the case the case and person, are shown only
-- under the sharing rule for that party's information: internal/tasks
-- renders it (with internal/consent) for the reader. hub_org_classes says
-- which information classes an organisation writes (what its free text may
-- carry), so that the rule can ask for all of them.

-- The user the transaction acts for (the setting hub.user_id, set with
-- hub.org_id by the application's unit of work), or NULL.
CREATE FUNCTION hub_current_user() RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT nullif(current_setting('hub.user_id', true), '') $$;
GRANT EXECUTE ON FUNCTION hub_current_user() TO hub_app;

-- The information classes an organisation writes: its kind's (KOMMUN_* for
-- a municipality, FK_*, AF_*, VARD_* for a region; none for a
-- samordningsförbund), as hub_own_class_prefix (migration 011) and
-- internal/consent (Class.Source) say.
CREATE FUNCTION hub_org_classes(p_org uuid) RETURNS information_class[]
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT coalesce(array_agg(c ORDER BY c), '{}')
          FROM organizations o, unnest(enum_range(NULL::information_class)) c
          WHERE o.id = p_org
            AND starts_with(c::text, CASE o.kind::text WHEN 'KOMMUN' THEN 'KOMMUN_' WHEN 'FK' THEN 'FK_'
                                                       WHEN 'AF' THEN 'AF_' WHEN 'REGION' THEN 'VARD_' END) $$;
REVOKE ALL ON FUNCTION hub_org_classes(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub_org_classes(uuid) TO hub_app;

---- create above / drop below ----
DROP FUNCTION hub_org_classes(uuid);
DROP FUNCTION hub_current_user();
