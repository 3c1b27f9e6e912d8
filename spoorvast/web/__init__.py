"""The local web app (``spoorvast ui``): FastAPI + Jinja2 templates + a little plain JS.

::

    settings   WebSettings: vault folder, port, auto-lock delay (built once, passed in)
    session    VaultSession: the one open Vault while unlocked (a lock serialises use),
               the browser session, auto-lock, and second handles for background jobs
    security   Host / Origin checks, CSRF tokens, CSP and no-store headers
    jobs       background jobs (add files, verify, capture, …) with progress to poll
    render     templates, translations per request, the page frame
    routes_*   one router per screen; adapters/ hold thin calls into feature modules

Create it with :func:`create_app`; nothing happens at import time.
"""

from __future__ import annotations

from spoorvast.web.app import create_app
from spoorvast.web.settings import WebSettings

__all__ = ["WebSettings", "create_app"]
