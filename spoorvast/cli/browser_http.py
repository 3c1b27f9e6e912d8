"""The HTTP fallback for the browser extension, where a native messaging host cannot be
installed: ``spoorvast browser serve`` listens on 127.0.0.1 and takes the same messages
as the host (``services/browser_host.py``), into the same encrypted inbox.

Who may talk to it: the request's ``Host`` must be this server on 127.0.0.1/localhost
(a DNS rebinding page names another host), its ``Origin`` must be the pinned extension
(a web page sends its own origin, and cannot set this one), its body must be JSON (a
web page's cross-origin JSON POST needs a preflight, which is refused), and, except to
pair, it must carry a token. A token is had once for the pairing code ``serve`` prints
(one use, ten minutes); only its SHA-256 is kept, and ``spoorvast browser unpair``
revokes every token.
"""

from __future__ import annotations

import hmac
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from spoorvast.capture import nativemsg
from spoorvast.services import browser_host
from spoorvast.storage import inbox

DEFAULT_PORT = 17823
PAIRING_SECONDS = 600.0
ORIGIN = f"chrome-extension://{browser_host.EXTENSION_ID}"
CODE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class Fallback:
    """State of one ``serve``: the pairing code, and one receiver per token."""

    def __init__(self, root: Path, port: int) -> None:
        self.root, self.port = root, port
        self.code: str | None = "".join(secrets.choice(CODE_LETTERS) for _ in range(8))
        self.code_until = time.monotonic() + PAIRING_SECONDS
        self.receivers: dict[str, browser_host.Receiver] = {}
        self.lock = threading.Lock()

    def allowed_host(self, host: str | None) -> bool:
        return host in (f"127.0.0.1:{self.port}", f"localhost:{self.port}")

    def pair(self, code: object) -> str | None:
        with self.lock:
            fresh = self.code is not None and time.monotonic() < self.code_until
            if not (fresh and isinstance(code, str)
                    and hmac.compare_digest(code.strip().upper(), self.code or "")):
                return None
            self.code = None  # one use
        token = secrets.token_urlsafe(32)
        inbox.add_token(self.root, token)
        return token

    def receiver(self, token: str) -> browser_host.Receiver:
        with self.lock:
            return self.receivers.setdefault(token, browser_host.Receiver(self.root))


def _handler(state: Fallback) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _reply(self, status: int, value: dict[str, object]) -> None:
            data = json.dumps(value).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def do_OPTIONS(self) -> None:  # a web page's preflight: never allowed
            self._reply(403, {"type": "error", "code": "refused"})

        def do_GET(self) -> None:
            self._reply(403, {"type": "error", "code": "refused"})

        def do_POST(self) -> None:
            message = self._message()
            if message is None:
                return
            if self.path == "/pair":
                token = state.pair(message.get("code"))
                if token is None:
                    self._reply(403, {"type": "error", "code": "pairing-refused"})
                else:
                    self._reply(200, {"type": "paired", "token": token})
                return
            token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
            if self.path != "/message" or not token or not inbox.token_allowed(
                    state.root, token):
                self._reply(403, {"type": "error", "code": "refused"})
                return
            reply = state.receiver(token).handle(message)
            self._reply(200, reply or {"type": "none"})

        def _message(self) -> dict[str, object] | None:
            size = int(self.headers.get("Content-Length") or 0)
            kind = (self.headers.get("Content-Type") or "").split(";")[0].strip()
            if (not state.allowed_host(self.headers.get("Host"))
                    or self.headers.get("Origin") != ORIGIN or kind != "application/json"
                    or not 0 < size <= nativemsg.MAX_IN):
                self.close_connection = True
                self._reply(403, {"type": "error", "code": "refused"})
                return None
            try:
                value = json.loads(self.rfile.read(size))
            except ValueError:
                value = None
            if not isinstance(value, dict):
                self._reply(400, {"type": "error", "code": "bad-message"})
                return None
            return value

        def log_message(self, *args: object) -> None:  # nothing about evidence in logs
            pass

    return Handler


def abandon_all(state: Fallback) -> None:
    with state.lock:
        for receiver in state.receivers.values():
            receiver.abandon()


def server(root: Path, port: int = DEFAULT_PORT) -> tuple[ThreadingHTTPServer, Fallback]:
    state = Fallback(root, port)
    httpd = ThreadingHTTPServer(("127.0.0.1", port), _handler(state))
    state.port = httpd.server_address[1]
    return httpd, state
