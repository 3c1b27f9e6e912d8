"""What a bug at a boundary (a request, a job) leaves behind: its type and its place.

The error page a person sees hides the exception (it may hold evidence: a file name, a
line of a chat, a value in SQL). So that a bug seen once can still be found, the
boundary writes one line to the ``spoorvast.web`` logger (stderr when nothing else is
set up): the exception's type, the innermost frame inside the spoorvast package
(module, function, line) and the module it was raised in — never its message, its
arguments, a URL with its query or any local variable. The same for each exception in
its chain (``raise … from``), by type only.
"""

from __future__ import annotations

import logging
from pathlib import Path
from types import TracebackType

from starlette.requests import Request

LOG = logging.getLogger("spoorvast.web")
PACKAGE = Path(__file__).resolve().parents[1]  # .../spoorvast


def place(tb: TracebackType | None) -> tuple[str, str]:
    """(the innermost spoorvast frame as ``module.function:line``, the module the
    exception was raised in)."""
    ours, raised = "outside spoorvast", "unknown"
    while tb is not None:
        frame = tb.tb_frame
        module = str(frame.f_globals.get("__name__", "?"))
        raised = module
        if _inside(frame.f_code.co_filename):
            ours = f"{module}.{frame.f_code.co_name}:{tb.tb_lineno}"
        tb = tb.tb_next
    return ours, raised


def _inside(filename: str) -> bool:
    try:
        return Path(filename).resolve().is_relative_to(PACKAGE)
    except (OSError, ValueError):
        return False


def describe(exc: BaseException) -> str:
    """``TypeName at module.function:line (raised in module)``, then its chain's types."""
    ours, raised = place(exc.__traceback__)
    text = f"{_type_name(exc)} at {ours} (raised in {raised})"
    chain: list[str] = []
    seen = {id(exc)}
    cause = exc.__cause__ or exc.__context__
    while cause is not None and id(cause) not in seen and len(chain) < 5:
        seen.add(id(cause))
        chain.append(_type_name(cause))
        cause = cause.__cause__ or cause.__context__
    return text + (f"; from {' <- '.join(chain)}" if chain else "")


def _type_name(exc: BaseException) -> str:
    kind = type(exc)
    return kind.__qualname__ if kind.__module__ == "builtins" \
        else f"{kind.__module__}.{kind.__qualname__}"


def route_of(request: Request) -> str:
    """The route's pattern (``GET /jobs/{job_id}``), never the path with its values or
    query (a search term, a label)."""
    route = request.scope.get("route")
    pattern = getattr(route, "path", None) or "(no route)"
    return f"{request.method} {pattern}"


def log_request_bug(request: Request, exc: BaseException) -> None:
    LOG.error("spoorvast bug in a request %s: %s", route_of(request), describe(exc))


def log_job_bug(kind: str, exc: BaseException) -> None:
    LOG.error("spoorvast bug in a %s job: %s", kind, describe(exc))
