"""``spoorvast server`` and ``spoorvast worker``: an organisation's server of shared cases.

Both read ``SPOORVAST_DATABASE_URL`` (PostgreSQL), ``SPOORVAST_S3_ENDPOINT``,
``SPOORVAST_S3_BUCKET``, ``SPOORVAST_S3_ACCESS_KEY``, ``SPOORVAST_S3_SECRET_KEY`` and
``SPOORVAST_SERVER_KEY_FILE`` (the server's signing key, made at first start). The
first start applies the migrations (the server's tables and Procrastinate's);
``--migrate`` applies them and stops.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from spoorvast.cli import output
from spoorvast.errors import UserError
from spoorvast.i18n import N_, _

if TYPE_CHECKING:
    import procrastinate

    from spoorvast.server.state import ServerState

URL_HELP = N_("PostgreSQL URL (default: SPOORVAST_DATABASE_URL).")
KEY_HELP = N_("The server's signing key file (default: SPOORVAST_SERVER_KEY_FILE).")


def register(app: typer.Typer) -> None:
    app.command("server", help=_("Run an organisation's server of shared cases (it keeps "
                                 "only encrypted data)."))(server)
    app.command("worker", help=_("Run the background jobs of an organisation's server."))(
        worker)


def _open(database_url: str | None, key_file: Path | None
          ) -> tuple[ServerState, procrastinate.App, list[str]]:
    import psycopg

    from spoorvast.server.state import ServerSettings
    from spoorvast.server.worker import apply_schema, make_jobs

    settings = ServerSettings.from_env(database_url, key_file)
    if not settings.database_url:
        raise UserError(_("No database given: set SPOORVAST_DATABASE_URL or use "
                          "--database-url."))
    try:
        psycopg.connect(settings.database_url, connect_timeout=10).close()
    except psycopg.Error as exc:
        raise UserError(_("The database could not be reached ({reason}).").format(
            reason=type(exc).__name__)) from exc
    from spoorvast.server.state import open_state

    jobs = make_jobs(settings.database_url)
    state = open_state(settings)
    applied = state.store.migrate()
    jobs.open()
    if apply_schema(jobs, state.store):
        applied.append("procrastinate")
    return state, jobs, applied


def server(
    host: Annotated[str, typer.Option("--host", help=_("The address to listen on."))
                    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help=_("The port."), min=1, max=65535)
                    ] = 8421,
    migrate: Annotated[bool, typer.Option(
        "--migrate", help=_("Apply the database migrations, then stop."))] = False,
    database_url: Annotated[str | None, typer.Option("--database-url", help=_(URL_HELP))
                            ] = None,
    key_file: Annotated[Path | None, typer.Option("--key-file", help=_(KEY_HELP))] = None,
) -> None:
    import uvicorn

    from spoorvast.server.app import create_app
    from spoorvast.server.worker import capture_deferrer, deferrer

    state, jobs, applied = _open(database_url, key_file)
    output.line(_("Migrations applied: {names}.").format(names=", ".join(applied) or "-"))
    if migrate:
        return
    state.objects.ensure_bucket()
    state.fan_out = deferrer(jobs)
    state.capture = capture_deferrer(jobs)  # captures and watches run on the workers
    output.line(_("The server listens on http://{host}:{port}/ (Ctrl+C stops it).").format(
        host=host, port=port))
    uvicorn.run(create_app(state), host=host, port=port, log_level="warning",
                server_header=False)


def worker(
    concurrency: Annotated[int, typer.Option("--concurrency", help=_("Jobs run at once."),
                                             min=1, max=64)] = 2,
    database_url: Annotated[str | None, typer.Option("--database-url", help=_(URL_HELP))
                            ] = None,
    key_file: Annotated[Path | None, typer.Option("--key-file", help=_(KEY_HELP))] = None,
    stalled_seconds: Annotated[float, typer.Option(
        "--stalled-seconds", envvar="SPOORVAST_WORKER_STALLED_SECONDS", min=1,
        help=_("A job whose worker sent no heartbeat for this long is run again."))
    ] = 30.0,
) -> None:
    from spoorvast.server.worker import run

    state, jobs, _applied = _open(database_url, key_file)
    output.line(_("The worker runs (Ctrl+C stops it)."))
    run(state, jobs, concurrency, stalled_seconds=stalled_seconds)
