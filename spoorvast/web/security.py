"""Request checks and response headers for every response.

* Host must be ``127.0.0.1:PORT`` or ``localhost:PORT`` (a DNS-rebinding page on
  another name is refused before any route runs).
* Every request that is not GET/HEAD must carry an Origin (or, failing that, a
  Referer) of this app; the route then checks the CSRF token (form field ``csrf`` or
  header ``X-CSRF-Token``), an HMAC of the browser session id under the per-start
  secret.
* Every response: ``Cache-Control: no-store``, a Content-Security-Policy without inline
  script or style, no framing, no referrer, no MIME sniffing.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from fastapi import Request
from starlette.responses import PlainTextResponse, Response

from spoorvast.web.settings import WebSettings

SESSION_COOKIE = "sv"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD"})

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-src 'none'; frame-ancestors 'none'")
HEADERS = {
    "Cache-Control": "no-store, max-age=0",
    "Pragma": "no-cache",
    "Expires": "0",
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",  # "no-referrer" would make Chromium send Origin: null
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}

Next = Callable[[Request], Awaitable[Response]]


def origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def origin_allowed(request: Request, settings: WebSettings) -> bool:
    origin = request.headers.get("origin")
    if origin is None:
        referer = request.headers.get("referer")
        origin = origin_of(referer) if referer else None
    return origin is not None and origin in settings.allowed_origins


def refusal(request: Request, settings: WebSettings) -> Response | None:
    if request.headers.get("host", "") not in settings.allowed_hosts:
        return PlainTextResponse("Bad host", status_code=400)
    if request.method not in SAFE_METHODS and not origin_allowed(request, settings):
        return PlainTextResponse("Bad origin", status_code=403)
    return None


def add_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def new_session_id() -> str:
    return secrets.token_urlsafe(32)


def csrf_token(secret: bytes, session_id: str) -> str:
    return hmac.new(secret, f"csrf:{session_id}".encode(), hashlib.sha256).hexdigest()


def csrf_valid(secret: bytes, session_id: str | None, given: str | None) -> bool:
    if not session_id or not given:
        return False
    return hmac.compare_digest(csrf_token(secret, session_id), given)


def set_session_cookie(response: Response, session_id: str) -> None:
    response.set_cookie(SESSION_COOKIE, session_id, httponly=True, samesite="strict",
                        path="/", secure=False)
