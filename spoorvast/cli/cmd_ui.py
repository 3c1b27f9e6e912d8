"""``spoorvast ui``: the local web app, on 127.0.0.1 only, in the default browser."""

from __future__ import annotations

import os
import socket
import threading
import webbrowser
from typing import Annotated

import typer

from spoorvast.cli import context, output
from spoorvast.i18n import _


def register(app: typer.Typer) -> None:
    app.command("ui", help=_("Open spoorvast in your web browser (on this computer only)."))(
        ui)


def bind(port: int) -> socket.socket:
    """A listening socket on the loopback address (port 0: a free one)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError as exc:
        sock.close()
        from spoorvast.errors import UserError

        raise UserError(_("Port {port} is not free; choose another with --port, or leave "
                          "it out to take a free one.").format(port=port)) from exc
    sock.listen(64)
    return sock


def should_open_browser(no_browser: bool) -> bool:
    return not no_browser and os.environ.get("CI", "").lower() not in ("true", "1")


def ui(
    ctx: typer.Context,
    port: Annotated[int, typer.Option("--port", help=_("The port (default: a free one)."),
                                      min=0, max=65535)] = 0,
    no_browser: Annotated[bool, typer.Option(
        "--no-browser", help=_("Do not open a browser; only print the address."))] = False,
    lock_after: Annotated[int, typer.Option(
        "--lock-after", help=_("Lock after this many minutes without activity."),
        min=1, max=240)] = 10,
) -> None:
    import uvicorn

    from spoorvast.web import WebSettings, create_app

    sock = bind(port)
    chosen = sock.getsockname()[1]
    settings = WebSettings(context.vault_path(ctx), chosen, autolock_seconds=lock_after * 60)
    url = f"http://127.0.0.1:{chosen}/"
    output.line(_("spoorvast is open at {url} (only on this computer). Press Ctrl+C here "
                  "to stop it.").format(url=url))
    if should_open_browser(no_browser):
        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    config = uvicorn.Config(create_app(settings), log_level="warning", access_log=False,
                            server_header=False, date_header=False)
    uvicorn.Server(config).run(sockets=[sock])
