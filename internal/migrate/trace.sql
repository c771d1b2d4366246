-- pgreview's migration trace: event triggers that log every DDL command
-- with the locks its backend holds, the lock_timeout in force and table
-- rewrites. Everything lives in _pgreview_trace and is dropped before
-- the schema is inspected.
CREATE SCHEMA _pgreview_trace;

CREATE UNLOGGED TABLE _pgreview_trace.log (
    id             bigserial PRIMARY KEY,
    event          text NOT NULL,
    tag            text,
    object_type    text,
    identity       text,
    objid          oid,
    relid          oid,
    xid            text,
    query          text,
    locks          jsonb,
    started        timestamptz,
    lock_timeout   text,
    rewrite_reason int,
    original       boolean
);

-- Relation locks of this backend on user objects, as [[oid, mode], ...].
-- One INSERT per statement, whatever the number of commands it reports.
-- Objects an extension creates get no relid: the schema fingerprint
-- leaves them out, and scoped reloads need not check for them.
-- In light mode (pgreview.trace_light = on: our own session while it runs
-- downs and second ups) only what the round trip needs is kept: what
-- kind of object changed, its OID (functions are described by OID) and,
-- for a dropped object, its name (a dropped table's row types).
CREATE FUNCTION _pgreview_trace.on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('pgreview.trace_light', true) = 'on' THEN
        INSERT INTO _pgreview_trace.log (event, object_type, objid, relid)
        SELECT 'ddl', c.object_type, c.objid,
               CASE WHEN c.classid = 'pg_class'::regclass AND NOT c.in_extension
                    THEN coalesce((SELECT i.indrelid FROM pg_index i WHERE i.indexrelid = c.objid), c.objid) END
        FROM pg_event_trigger_ddl_commands() c
        WHERE c.schema_name IS DISTINCT FROM '_pgreview_trace';
        RETURN;
    END IF;
    INSERT INTO _pgreview_trace.log (event, tag, object_type, identity, objid, relid, xid, query, started, locks, lock_timeout)
    SELECT 'ddl', c.command_tag, c.object_type, c.object_identity, c.objid,
           CASE WHEN c.classid = 'pg_class'::regclass AND NOT c.in_extension
                THEN coalesce((SELECT i.indrelid FROM pg_index i WHERE i.indexrelid = c.objid), c.objid) END,
           pg_current_xact_id_if_assigned()::text, current_query(), statement_timestamp(), l.locks, current_setting('lock_timeout')
    FROM pg_event_trigger_ddl_commands() c,
         (SELECT coalesce(jsonb_agg(jsonb_build_array(relation::bigint, mode)), '[]') AS locks
          FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'relation' AND granted AND relation >= 16384) l
    WHERE c.schema_name IS DISTINCT FROM '_pgreview_trace';
END $$;

CREATE FUNCTION _pgreview_trace.on_drop() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('pgreview.trace_light', true) = 'on' THEN
        INSERT INTO _pgreview_trace.log (event, object_type, identity, objid, relid)
        SELECT 'drop', r.object_type, r.object_identity, r.objid,
               CASE WHEN r.classid = 'pg_class'::regclass THEN r.objid END
        FROM pg_event_trigger_dropped_objects() r
        WHERE r.schema_name IS DISTINCT FROM '_pgreview_trace';
        RETURN;
    END IF;
    INSERT INTO _pgreview_trace.log (event, tag, object_type, identity, objid, relid, xid, query, started, lock_timeout, original)
    SELECT 'drop', tg_tag, r.object_type, r.object_identity, r.objid,
           CASE WHEN r.classid = 'pg_class'::regclass THEN r.objid END,
           pg_current_xact_id_if_assigned()::text, current_query(), statement_timestamp(), current_setting('lock_timeout'), r.original
    FROM pg_event_trigger_dropped_objects() r
    WHERE r.schema_name IS DISTINCT FROM '_pgreview_trace';
END $$;

CREATE FUNCTION _pgreview_trace.on_rewrite() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('pgreview.trace_light', true) = 'on' THEN
        RETURN;
    END IF;
    INSERT INTO _pgreview_trace.log (event, tag, object_type, identity, objid, relid, xid, query, started, lock_timeout, rewrite_reason)
    VALUES ('rewrite', tg_tag, 'table', pg_event_trigger_table_rewrite_oid()::regclass::text,
            pg_event_trigger_table_rewrite_oid(), pg_event_trigger_table_rewrite_oid(),
            pg_current_xact_id_if_assigned()::text, current_query(), statement_timestamp(),
            current_setting('lock_timeout'), pg_event_trigger_table_rewrite_reason());
END $$;

CREATE EVENT TRIGGER _pgreview_trace_ddl ON ddl_command_end EXECUTE FUNCTION _pgreview_trace.on_ddl();
CREATE EVENT TRIGGER _pgreview_trace_drop ON sql_drop EXECUTE FUNCTION _pgreview_trace.on_drop();
CREATE EVENT TRIGGER _pgreview_trace_rewrite ON table_rewrite EXECUTE FUNCTION _pgreview_trace.on_rewrite();
