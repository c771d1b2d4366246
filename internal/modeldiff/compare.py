# pgreview: compare the application's SQLAlchemy metadata with a database,
# with Alembic's own autogenerate comparison (compare_metadata). Reads one
# JSON argument, prints one JSON object on stdout, on a line that starts
# with PGREVIEW-RESULT:
#   {"diffs": [...]}                      the comparison ran
#   {"missing": "module", "error": "..."} a module could not be imported
#   {"error": "..."}                      anything else went wrong
import importlib
import json
import sys


def emit(obj):
    # On a line of its own: the application's modules may print at import.
    sys.stdout.write("\nPGREVIEW-RESULT:" + json.dumps(obj) + "\n")
    sys.stdout.flush()


def driver_url(url):
    """Rewrite postgres:// for the first PostgreSQL driver installed."""
    rest = url.split("://", 1)[1]
    import sqlalchemy

    major = int(sqlalchemy.__version__.split(".")[0])
    for module, scheme, min_major in (("psycopg2", "postgresql+psycopg2", 1), ("psycopg", "postgresql+psycopg", 2), ("pg8000", "postgresql+pg8000", 1)):
        if major < min_major:
            continue
        try:
            importlib.import_module(module)
        except ImportError:
            continue
        return scheme + "://" + rest
    raise LookupError("no PostgreSQL driver (psycopg2, psycopg or pg8000) can be imported")


def resolve(ref):
    module, attr = ref.split(":", 1)
    obj = importlib.import_module(module)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


def name_of(obj):
    return getattr(obj, "name", None) or ""


def describe(diff):
    """One Alembic diff tuple as a flat dict."""
    op = diff[0]
    out = {"op": op, "schema": "", "table": "", "column": "", "name": "", "detail": ""}
    if op in ("add_table", "remove_table", "add_table_comment", "remove_table_comment"):
        table = diff[1]
        out.update(schema=table.schema or "", table=table.name)
    elif op in ("add_column", "remove_column"):
        out.update(schema=diff[1] or "", table=diff[2], column=diff[3].name, detail=str(diff[3].type))
    elif op in ("add_index", "remove_index"):
        index = diff[1]
        out.update(schema=index.table.schema or "", table=index.table.name, name=name_of(index),
                   detail=", ".join(c.name for c in index.columns) + (" unique" if index.unique else ""))
    elif op in ("add_constraint", "remove_constraint", "add_fk", "remove_fk"):
        cons = diff[1]
        table = cons.table
        cols = ", ".join(c.name for c in cons.columns)
        if op.endswith("_fk"):
            cols += " -> " + ", ".join(e.target_fullname for e in cons.elements)
        out.update(schema=table.schema or "", table=table.name, name=name_of(cons), detail=cols)
    elif op.startswith("modify_"):
        schema, table, column, existing, old, new = diff[1:7]
        out.update(schema=schema or "", table=table, column=column, detail="%s -> %s" % (old, new))
    else:
        out["detail"] = repr(diff[1:])[:300]
    return out


def flatten(diffs):
    for d in diffs:
        if isinstance(d, list):
            yield from d
        else:
            yield d


def main():
    args = json.loads(sys.argv[1])
    sys.path[:0] = args["paths"]
    try:
        import sqlalchemy
        from alembic.autogenerate import compare_metadata
        from alembic.migration import MigrationContext
    except ImportError as e:
        return emit({"missing": e.name or str(e), "error": str(e)})
    for module in args["modules"]:
        try:
            importlib.import_module(module)
        except ImportError as e:
            return emit({"missing": e.name or str(e), "error": "import %s: %s" % (module, e)})
        except BaseException as e:  # a module that exits or raises at import
            return emit({"error": "import %s: %s: %s" % (module, type(e).__name__, e)})
    try:
        metadatas = [resolve(ref) for ref in args["metadata"]]
    except BaseException as e:
        return emit({"error": "%s: %s" % (type(e).__name__, e)})
    schemas = {t.schema for m in metadatas for t in m.tables.values() if t.schema}
    excluded = set(args["exclude_tables"])

    def include_name(name, type_, parent_names):
        if type_ == "schema":
            return name is None or name in schemas
        if type_ == "table":
            return name not in excluded
        return True

    try:
        engine = sqlalchemy.create_engine(driver_url(args["url"]))
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={
                "compare_type": True,
                "include_schemas": bool(schemas),
                "include_name": include_name,
            })
            target = metadatas[0] if len(metadatas) == 1 else metadatas
            diffs = compare_metadata(ctx, target)
        engine.dispose()
    except BaseException as e:
        return emit({"error": "%s: %s" % (type(e).__name__, e)})
    emit({"diffs": [describe(d) for d in flatten(diffs)]})


main()
