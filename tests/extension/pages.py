"""A synthetic logged-in platform page on 127.0.0.1 (Anna, the viewer, looks at Bram's
profile), served with a login cookie; synthetic people only."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from contextlib import contextmanager

from tests.capture.platform_pages import IG_A, IG_B, IG_C, IG_VIEWER, script
from tests.capture.site import Response, _serve
from tests.conftest import png_bytes

SECRET = "SYNTHETIC-SESSION-SECRET-7f3a"
PNG = png_bytes(8, 8)
PROFILE = ("<!doctype html><html><head><meta charset='utf-8'><title>Bram (@bram.subject)"
           "</title><link rel=\"canonical\" href=\"https://www.instagram.com/bram.subject/\">"
           "</head><body><div id='me'>Logged in as anna.viewer</div>" + IG_VIEWER
           + script({"suggested": [{"pk": IG_C, "username": "carl.other"}]})
           + script({"data": {"user": {"pk": IG_B, "username": "bram.subject"}}})
           + "<h1>Bram</h1><p>Synthetic profile seen while logged in.</p>"
           "<img src='/pic.png' width=40 height=40></body></html>").encode()
# a page in windows-1252 (the é and € are single bytes): its bytes, not a UTF-8 re-encoding
LATIN = ("<!doctype html><html><head><meta charset='windows-1252'><title>Caf\u00e9 \u20ac5"
         "</title></head><body><p>R\u00e9ponse \u00e0 la publication: \u20ac5.</p></body>"
         "</html>").encode("cp1252")
# the same page sent gzip-compressed (Content-Encoding: gzip)
GZIPPED = gzip.compress(LATIN, mtime=0)
LOGIN = b"<!doctype html><html><head><title>Logged in</title></head><body>ok</body></html>"

__all__ = ["GZIPPED", "IG_A", "IG_B", "LATIN", "LOGIN", "PNG", "PROFILE", "SECRET", "serve"]


def _routes(path: str, headers: dict[str, str]) -> Response:
    if path == "/login":
        return 200, "text/html; charset=utf-8", LOGIN, {
            "Set-Cookie": f"sessionid={SECRET}; Path=/; HttpOnly"}
    if path == "/latin":
        return 200, "text/html; charset=windows-1252", LATIN, {}
    if path == "/gzipped":
        return 200, "text/html; charset=windows-1252", GZIPPED, {"Content-Encoding": "gzip"}
    if path == "/pic.png":
        return 200, "image/png", PNG, {}
    if SECRET not in headers.get("cookie", ""):
        return 302, "text/html", b"", {"Location": "/login"}
    return 200, "text/html; charset=utf-8", PROFILE, {}


@contextmanager
def serve() -> Iterator[str]:
    server = _serve(_routes)
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
