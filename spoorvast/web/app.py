"""``create_app(settings)``: the FastAPI application, its middleware and routers."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

import sqlcipher3
from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from spoorvast.errors import UserError
from spoorvast.i18n import _
from spoorvast.storage import scratch
from spoorvast.storage.sqlite import as_damage
from spoorvast.storage.vault import Vault
from spoorvast.web import drafts, failures, pending_uploads, render, security, wording
from spoorvast.web.deps import Forbidden, Redirect
from spoorvast.web.inbox_agent import InboxAgent
from spoorvast.web.jobs import JobRegistry, settle_dead
from spoorvast.web.private import PrivateDirs
from spoorvast.web.session import Locked, VaultSession, Watchdog
from spoorvast.web.settings import WebSettings
from spoorvast.web.static_dir import STATIC
from spoorvast.web.uploads import Uploads
from spoorvast.web.watch_scheduler import WatchScheduler

ROUTERS = ("routes_auth", "routes_cases", "routes_items", "routes_add", "routes_work",
           "routes_timeline", "routes_vault", "routes_features", "routes_reread",
           "routes_drafts", "routes_corrections", "routes_calls", "routes_entries",
           "routes_login", "routes_resume", "routes_watch", "routes_shared",
           "routes_dropbox")
NOT_ACTIVITY = ("/jobs/", "/static/", "/favicon", "/state")


def create_app(settings: WebSettings) -> FastAPI:
    session = VaultSession(settings)
    watchdog = Watchdog(session)
    agent = InboxAgent(session)  # seals what the browser extension adds while unlocked
    watches = WatchScheduler(session)  # runs the due watches while unlocked

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        build_routes(app)  # before any request or job thread
        scratch.sweep()  # what a killed spoorvast left in memory or in an output folder
        watchdog.start()
        agent.start()
        watches.start()
        try:
            yield
        finally:
            watchdog.stop()
            agent.stop()
            watches.stop()
            session.lock()

    app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    _state(app, settings, session)
    app.state.watches = watches
    app.middleware("http")(_guard)
    _handlers(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _include_routers(app)
    return app


def _state(app: FastAPI, settings: WebSettings, session: VaultSession) -> None:
    app.state.settings = settings
    app.state.session = session
    app.state.jobs = JobRegistry(session)
    app.state.uploads = Uploads()
    app.state.private = PrivateDirs()
    app.state.env = render.environment()
    app.state.thumbnails = {}
    app.state.charts = {}
    app.state.dossiers = {}
    session.before_close(app.state.uploads.drop_batches)
    session.after_open(partial(_sweep, app))
    session.waits_for(lambda: app.state.uploads.busy() or bool(app.state.jobs.running()))
    session.on_lock(app.state.private.wipe_all)
    session.on_lock(app.state.thumbnails.clear)
    session.on_lock(app.state.charts.clear)
    session.on_lock(app.state.dossiers.clear)


def _sweep(app: FastAPI, vault: Vault) -> None:
    """At an unlock: remove the blobs of uploads a lock cut off (never while a job that
    a lock stopped still runs: it may be about to refer to one; a later unlock does)."""
    if not app.state.jobs.running():
        app.state.uploads.sweep(vault)
        pending_uploads.settle(vault)  # what an app that ended left unsealed
        settle_dead(vault)  # what a job the app died in wrote but never sealed


def build_routes(app: FastAPI) -> None:
    """Have FastAPI build every route's parameters now, at start, on one thread.

    FastAPI (0.16x) builds them lazily, at the first request that passes a route, inside
    ``warnings.catch_warnings()`` — which changes the process-wide warning filters. A job
    thread reading a picture does the same at the same moment (Pillow's decompression
    bomb warning), and whichever ends last restores the filters the other replaced: a
    warning FastAPI meant to silence escaped, and under ``-W error`` (the tests) the
    first poll of ``/jobs/<id>`` answered 500 (``UnsupportedFieldAttributeWarning``,
    seen once in CI; reproduced by ``tests/web/test_boundary.py``). Asking each route
    whether it matches a path no route has builds them all."""
    scope = {"type": "http", "method": "GET", "path": "/\u2060", "root_path": "",
             "query_string": b"", "headers": [], "app": app}
    for route in app.router.routes:
        route.matches(scope)


def _include_routers(app: FastAPI) -> None:
    from importlib import import_module

    for name in ROUTERS:
        app.include_router(import_module(f"spoorvast.web.{name}").router)


async def _guard(request: Request, call_next: security.Next) -> Response:
    settings: WebSettings = request.app.state.settings
    refused = security.refusal(request, settings)
    if refused is not None:
        return security.add_headers(refused)
    sid = request.cookies.get(security.SESSION_COOKIE)
    request.state.sid = sid or security.new_session_id()
    render.use_language(request)  # every route and the jobs it starts speak it
    session: VaultSession = request.app.state.session
    started = time.perf_counter()
    try:
        session.lock_if_idle()
        if session.owns(sid) and not request.url.path.startswith(NOT_ACTIVITY):
            session.touch()
        response = await call_next(request)
    except Exception as exc:  # the web boundary: a bug becomes an error page (its type
        failures.log_request_bug(request, exc)  # and place in the log), never a traceback
        response = _bug_page(request)
    await drafts.clear_if_accepted(request, response, session)
    if sid is None and security.SESSION_COOKIE not in response.headers.get("set-cookie", ""):
        security.set_session_cookie(response, request.state.sid)
    response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
    return security.add_headers(response)


def _bug_page(request: Request) -> Response:
    message = _("Something unexpected went wrong (a bug in spoorvast). Your evidence is "
                "safe: nothing half-written was kept.")
    try:
        return render.page(request, "error.html", status=500, message=message)
    except Exception as exc:  # the page itself failed (the vault, a template): plain words
        failures.log_request_bug(request, exc)
        return PlainTextResponse(message, status_code=500)


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(Redirect)
    async def redirect(request: Request, exc: Redirect) -> Response:
        return RedirectResponse(exc.location, status_code=303)

    @app.exception_handler(Locked)
    async def locked(request: Request, exc: Locked) -> Response:
        if request.url.path.startswith("/jobs/"):
            return PlainTextResponse("locked", status_code=401)
        return RedirectResponse("/?msg=locked", status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        return PlainTextResponse("Bad form token", status_code=403)

    @app.exception_handler(UserError)
    async def user_error(request: Request, exc: UserError) -> Response:
        return render.page(request, "error.html", status=400,
                           message=wording.message(exc.message))

    @app.exception_handler(sqlcipher3.DatabaseError)
    async def database_error(request: Request, exc: sqlcipher3.DatabaseError) -> Response:
        damaged = as_damage(exc)
        if damaged is None:
            raise exc
        return render.page(request, "error.html", status=500,
                           message=wording.message(damaged.message))
