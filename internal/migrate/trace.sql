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
    lock_timeout   text,
    rewrite_reason int,
    original       boolean
);

-- Relation locks of this backend on user objects, as [[oid, name, mode], ...].
CREATE FUNCTION _pgreview_trace.locks() RETURNS jsonb LANGUAGE sql AS $$
    SELECT coalesce(jsonb_agg(jsonb_build_array(l.relation::bigint, coalesce(c.relname, ''), l.mode)), '[]')
    FROM pg_locks l LEFT JOIN pg_class c ON c.oid = l.relation
    WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted
      AND l.relation >= 16384
      AND coalesce(c.relnamespace <> '_pgreview_trace'::regnamespace, true)
$$;

CREATE FUNCTION _pgreview_trace.on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$
DECLARE
    r record;
    lk jsonb := _pgreview_trace.locks();
    x text := pg_current_xact_id_if_assigned()::text;
BEGIN
    FOR r IN SELECT * FROM pg_event_trigger_ddl_commands() LOOP
        IF r.schema_name = '_pgreview_trace' THEN CONTINUE; END IF;
        INSERT INTO _pgreview_trace.log (event, tag, object_type, identity, objid, relid, xid, query, locks, lock_timeout)
        VALUES ('ddl', r.command_tag, r.object_type, r.object_identity, r.objid,
                CASE WHEN r.classid = 'pg_class'::regclass
                     THEN coalesce((SELECT i.indrelid FROM pg_index i WHERE i.indexrelid = r.objid), r.objid) END,
                x, current_query(), lk, current_setting('lock_timeout'));
    END LOOP;
END $$;

CREATE FUNCTION _pgreview_trace.on_drop() RETURNS event_trigger LANGUAGE plpgsql AS $$
DECLARE
    r record;
    x text := pg_current_xact_id_if_assigned()::text;
BEGIN
    FOR r IN SELECT * FROM pg_event_trigger_dropped_objects() LOOP
        IF r.schema_name = '_pgreview_trace' THEN CONTINUE; END IF;
        INSERT INTO _pgreview_trace.log (event, tag, object_type, identity, objid, relid, xid, query, lock_timeout, original)
        VALUES ('drop', tg_tag, r.object_type, r.object_identity, r.objid,
                CASE WHEN r.classid = 'pg_class'::regclass THEN r.objid END,
                x, current_query(), current_setting('lock_timeout'), r.original);
    END LOOP;
END $$;

CREATE FUNCTION _pgreview_trace.on_rewrite() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO _pgreview_trace.log (event, tag, object_type, identity, objid, relid, xid, query, locks, lock_timeout, rewrite_reason)
    VALUES ('rewrite', tg_tag, 'table', pg_event_trigger_table_rewrite_oid()::regclass::text,
            pg_event_trigger_table_rewrite_oid(), pg_event_trigger_table_rewrite_oid(),
            pg_current_xact_id_if_assigned()::text, current_query(), _pgreview_trace.locks(),
            current_setting('lock_timeout'), pg_event_trigger_table_rewrite_reason());
END $$;

CREATE EVENT TRIGGER _pgreview_trace_ddl ON ddl_command_end EXECUTE FUNCTION _pgreview_trace.on_ddl();
CREATE EVENT TRIGGER _pgreview_trace_drop ON sql_drop EXECUTE FUNCTION _pgreview_trace.on_drop();
CREATE EVENT TRIGGER _pgreview_trace_rewrite ON table_rewrite EXECUTE FUNCTION _pgreview_trace.on_rewrite();
