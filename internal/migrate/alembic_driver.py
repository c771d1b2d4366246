# pgreview's Alembic driver: runs the real alembic commands, one per line
# of JSON on stdin, and answers each with one line of JSON on the original
# stdout. Everything else the migrations print goes to stderr.
import json
import os
import sys
import traceback

_out = os.fdopen(os.dup(1), "w")
os.dup2(2, 1)
sys.stdout = sys.stderr
# `python -m alembic` has the working directory on sys.path; so do we.
sys.path.insert(0, os.getcwd())


def reply(**kw):
    _out.write(json.dumps(kw) + "\n")
    _out.flush()


def describe(e):
    info = {"ok": False, "type": type(e).__name__, "error": str(e).strip().split("\n")[0][:2000]}
    if isinstance(e, ImportError) and getattr(e, "name", None):
        info["module"] = e.name
    orig = getattr(e, "orig", None)
    if orig is not None:
        code = getattr(orig, "pgcode", None) or getattr(orig, "sqlstate", None)
        cause = getattr(orig, "__cause__", None)
        if not code and cause is not None:
            code = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
        info["sqlstate"] = code or ""
        diag = getattr(orig, "diag", None)
        msg = getattr(diag, "message_primary", None) if diag is not None else None
        info["message"] = msg or str(orig).strip().split("\n")[0]
        detail = getattr(diag, "message_detail", None) if diag is not None else None
        if detail:
            info["message"] += ". " + detail
        info["statement"] = getattr(e, "statement", None) or ""
    frames = traceback.extract_tb(e.__traceback__)
    info["frames"] = [[f.filename, f.lineno, f.name] for f in frames]
    info["traceback"] = "".join(traceback.format_exception(type(e), e, e.__traceback__))[-6000:]
    return info


try:
    import alembic
    from alembic import command
    from alembic.config import Config
except ImportError as e:
    reply(ok=False, ready=False, type="ImportError", module=getattr(e, "name", "") or "", error=str(e))
    sys.exit(0)

reply(ok=True, ready=True, alembic=alembic.__version__, python=sys.executable, version=sys.version.split()[0])

for line in sys.stdin:
    req = json.loads(line)
    try:
        cfg = Config(req["config"])
        if req["cmd"] == "upgrade":
            command.upgrade(cfg, req["rev"])
        elif req["cmd"] == "downgrade":
            command.downgrade(cfg, req["rev"])
        else:
            raise ValueError("unknown command " + req["cmd"])
        reply(ok=True)
    except BaseException as e:  # noqa: B902 - env.py may sys.exit()
        reply(**describe(e))
        if isinstance(e, KeyboardInterrupt):
            break
