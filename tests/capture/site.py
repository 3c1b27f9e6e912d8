"""Pages served on 127.0.0.1 for the capture tests (synthetic people only)."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PIL import Image

from tests.capture.video_site import video_route

PROFILE_NAME = "Synthetic Person Example"
PROFILE_TEXT = "Profile text of a synthetic account, used only in tests."


def png(width: int, height: int, color: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "PNG")
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    """A small valid one-page PDF with a line of text."""
    stream = b"BT /F1 18 Tf 40 100 Td (Synthetic PDF evidence) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    return out.getvalue()


PROFILE_PAGE = f"""<!doctype html>
<html><head><meta charset="utf-8"><title>{PROFILE_NAME} (@synthetic.person)</title>
<meta property="og:title" content="{PROFILE_NAME}">
<meta property="og:url" content="https://www.instagram.com/synthetic.person/">
<meta property="og:type" content="profile">
<link rel="canonical" href="https://www.instagram.com/synthetic.person/">
<script type="application/ld+json">{{"@context": "https://schema.org",
 "@type": "ProfilePage", "mainEntity": {{"@type": "Person", "name": "{PROFILE_NAME}",
 "alternateName": "@synthetic.person", "identifier": "4815162342"}}}}</script>
</head><body style="margin:0"><h1>{PROFILE_NAME}</h1><p>{PROFILE_TEXT}</p>
<img src="/img/avatar.png" width="80" height="80">
<div style="height:2400px;background:linear-gradient(#fff,#ccd)">tall content</div>
<p>End of profile.</p></body></html>"""

LAZY_PAGE = """<!doctype html><html><head><title>Lazy page</title></head>
<body style="margin:0"><p>Top of the lazy page.</p>
<div style="height:4000px">spacer</div>
<img id="late" src="/img/lazy.png" loading="lazy" width="200" height="100">
<div id="sentinel">bottom</div>
<script>
new IntersectionObserver((entries) => { if (entries[0].isIntersecting) {
  const p = document.createElement('p'); p.textContent = 'LAZY-LOADED-CONTENT';
  document.body.appendChild(p); } }).observe(document.getElementById('sentinel'));
</script></body></html>"""

ENDLESS_PAGE = """<!doctype html><html><head><title>Endless</title></head><body>
<div id="feed" style="height:3000px">feed</div>
<script>
addEventListener('scroll', () => { const f = document.getElementById('feed');
  f.style.height = (parseInt(f.style.height) + 3000) + 'px'; });
</script></body></html>"""

AWAY_PAGE = """<!doctype html><html><head><title>Going away</title></head>
<body><p>ORIGINAL-PAGE-TEXT</p>
<script>addEventListener('load', () => location.replace('/elsewhere'));
</script></body></html>"""


LOADING = "<div id='post'>Loading\u2026</div>"
PAGES_OF_STATE = {  # path → page; the post arrives after the load event (#25)
    "/late-post": f"""<!doctype html><html><head><meta charset="utf-8"><title>Late</title>
</head><body>{LOADING}<script>addEventListener('load', () => setTimeout(() => {{
  document.getElementById('post').textContent = 'LATE-POST-300'; }}, 300));
</script></body></html>""",
    "/slow-answer": f"""<!doctype html><html><head><meta charset="utf-8"><title>Slow</title>
</head><body>{LOADING}<script>addEventListener('load', () => fetch('/api/slow-post')
  .then(r => r.text()).then(t => {{ document.getElementById('post').textContent = t; }}));
</script></body></html>""",
    "/timer-1500": f"""<!doctype html><html><head><meta charset="utf-8"><title>Timer</title>
</head><body>{LOADING}<script>addEventListener('load', () => setTimeout(() => {{
  document.getElementById('post').textContent = 'TIMER-POST-' + (1000 + 500); }}, 1500));
</script></body></html>""",
    "/timer-3000": f"""<!doctype html><html><head><meta charset="utf-8"><title>Timer</title>
</head><body>{LOADING}<script>addEventListener('load', () => setTimeout(() => {{
  const p = document.createElement('p'); p.textContent = 'TIMER-POST-' + 3 * 1000;
  document.body.appendChild(p); }}, 3000));
</script></body></html>""",
    "/never-quiet": """<!doctype html><html><head><title>Ticking</title></head><body>
<p id="t">0</p><script>let n = 0; setInterval(() => {
  document.getElementById('t').textContent = String(++n); }, 100);</script></body></html>""",
    "/open-request": f"""<!doctype html><html><head><title>Open</title></head>
<body>{LOADING}<script>addEventListener('load', () => fetch('/api/hang'));</script>
</body></html>""",
    "/accounts/login/": """<!doctype html><html><head><title>Log in</title></head><body>
<form action="/accounts/login/ajax/" method="post"><input name="username">
<input type="password" name="password"><button>Log in</button></form></body></html>""",
    "/consent/": """<!doctype html><html><head><title>Before you continue</title></head>
<body><h1>Before you continue</h1><p>We use cookies and data to deliver our services.</p>
<form method="post"><button>Reject all</button><button>Accept all</button></form>
</body></html>""",
    "/gone-200": """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Page not found \u2022 Instagram</title>
<meta property="og:url" content="https://www.instagram.com/synthetic.person/"></head>
<body><main><h2>Sorry, this page isn\u2019t available.</h2><p>The link you followed may
be broken, or the page may have been removed. <a href="/">Go back to Instagram.</a></p>
</main></body></html>""",
    "/overlay": """<!doctype html><html><head><title>Post behind a dialog</title></head>
<body style="margin:0;overflow:hidden"><p>POST-BEHIND-OVERLAY</p>
<div style="height:6000px">long post</div>
<div style="position:fixed;inset:0;background:rgba(0,0,0,.6)"><div
 style="background:#fff;margin:20vh auto;width:400px;padding:20px">We value your privacy
 <button>Accept all</button></div></div></body></html>""",
}
# 45,000 px: a blue block at the top, a red one (the "harmful comment") 44,000 px down.
TALL_PAGE = """<!doctype html><html><head><title>Tall</title></head><body style="margin:0">
<div style="height:300px;background:#0000ff"></div><div style="height:43700px"></div>
<div style="height:400px;background:#ff0000">HARMFUL-COMMENT-AT-THE-BOTTOM</div>
<div style="height:600px"></div></body></html>"""
FRAME_PAGE = b"<html><body style='margin:0;background:#00ff00'>EMBEDDED-POST</body></html>"


def lazy_frame_page(other_base: str) -> str:
    """A lazy cross-origin iframe (an embedded post) 5,000 px below the top."""
    return (f"<!doctype html><html><head><title>Embed</title></head><body style='margin:0'>"
            f"<div style='height:5000px'></div><iframe loading='lazy' src='{other_base}/frame'"
            f" width='600' height='300' style='border:0;display:block'></iframe>"
            f"<div style='height:1000px'></div></body></html>")


NOT_FOUND = b"<html><title>Not found</title><p>This page isn't available.</p></html>"
SLOW_IMAGE = b"<html><title>Slow</title><p>SLOW-PAGE-TEXT</p><img src='/img/hang.png'></html>"


class Site:
    """Two origins on 127.0.0.1 (the second serves images only)."""

    def __init__(self) -> None:
        self.main = _serve(self._routes)
        self.other = _serve(lambda path, headers: (
            (200, "text/html", FRAME_PAGE, {}) if path == "/frame"
            else (200, "image/png", png(30, 30, "blue"), {})))
        self.hang_seconds = 6.0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.main.server_address[1]}"

    @property
    def other_base(self) -> str:
        return f"http://127.0.0.1:{self.other.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def close(self) -> None:
        for server in (self.main, self.other):
            server.shutdown()
            server.server_close()

    def _routes(self, path: str, headers: dict[str, str]) -> Response:
        html = "text/html; charset=utf-8"
        video = video_route(path)
        if video is not None:
            return video
        if path == "/video-elsewhere":  # a video on the second origin (a local service)
            return 200, html, (f"<html><title>Elsewhere</title><video src='{self.other_base}"
                               f"/media/synthetic.webm'></video></html>").encode(), {}
        if path == "/profile":
            return 200, html, PROFILE_PAGE.encode(), {}
        if path in PAGES_OF_STATE:
            return 200, html, PAGES_OF_STATE[path].encode(), {}
        if path == "/api/slow-post":
            time.sleep(2.5)
            return 200, "text/plain", b"SLOW-POST-2500", {}
        if path == "/api/hang":
            time.sleep(self.hang_seconds)
            return 200, "text/plain", b"late", {}
        if path == "/go-login":
            return 302, html, b"", {"Location": "/accounts/login/?next=/synthetic.person/"}
        if path == "/go-consent":
            return 302, html, b"", {"Location": "/consent/?continue=/watch"}
        if path == "/r1":
            return 302, html, b"", {"Location": "/r2"}
        if path == "/to-other":  # to the second origin (a local service, for the guard)
            return 302, html, b"", {"Location": self.other_base + "/service"}
        if path == "/r2":
            return 301, html, b"", {"Location": "/profile"}
        if path == "/gone":
            return 404, html, NOT_FOUND, {}
        if path == "/hang":
            time.sleep(self.hang_seconds)
            return 200, html, b"<p>late</p>", {}
        if path == "/slow-image":
            return 200, html, SLOW_IMAGE, {}
        if path == "/img/hang.png":
            time.sleep(self.hang_seconds)
            return 200, "image/png", png(5, 5, "red"), {}
        if path.startswith("/img/"):
            return 200, "image/png", png(80, 80, "green"), {}
        if path == "/lazy":
            return 200, html, LAZY_PAGE.encode(), {}
        if path == "/endless":
            return 200, html, ENDLESS_PAGE.encode(), {}
        if path == "/away":
            return 200, html, AWAY_PAGE.encode(), {}
        if path == "/elsewhere":
            return 200, html, b"<html><title>Elsewhere</title><p>ELSEWHERE</p></html>", {}
        if path == "/cross":
            page = (f"<html><title>Cross</title><p>CROSS-ORIGIN</p><img src='{self.other_base}"
                    f"/pic.png'><img src='/img/own.png'></html>")
            return 200, html, page.encode(), {}
        if path == "/tall":
            return 200, html, TALL_PAGE.encode(), {}
        if path == "/wide":  # 2,000 px wide, a magenta block at its right edge
            return 200, html, (b"<html><title>Wide</title><body style='margin:0'><div "
                               b"style='width:2000px;height:300px;display:flex;"
                               b"justify-content:flex-end'><div style='width:200px;"
                               b"background:#ff00ff'></div></div></body></html>"), {}
        if path == "/lazy-frame":
            return 200, html, lazy_frame_page(self.other_base).encode(), {}
        if path == "/doc.pdf":
            return 200, "application/pdf", pdf_bytes(), {}
        if path == "/login-set":
            return 200, html, b"<p>logged in</p>", {
                "Set-Cookie": "session=SECRET-SESSION-VALUE; Path=/; Max-Age=3600"}
        if path == "/whoami":
            who = b"LOGGED-IN-AS-SYNTHETIC" if "SECRET-SESSION-VALUE" in headers.get(
                "cookie", "") else b"ANONYMOUS-VISITOR"
            return 200, html, b"<html><title>Who</title><p>" + who + b"</p></html>", {}
        return 404, html, b"<p>no such page</p>", {}


Response = tuple[int, str, bytes, dict[str, str]]


def _serve(routes: Callable[[str, dict[str, str]], Response]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                status, kind, body, extra = routes(self.path.split("?")[0], headers)
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                for key, value in extra.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
